import * as z from 'zod';
import { DRIVER_NAMES } from '../../drivers/registry.js';
import { DEFAULT_PREFIX, ID_PATTERN, prefixProblem } from '../../wire/topics.js';
import { parseDuration, parseSize } from './units.js';

/**
 * The gateway config (YAML). This schema is the reference: config/gateway.schema.json is generated
 * from it (`npx tsx edge/config/json-schema.ts --write`), and `tidegate check` validates with it.
 * Device entries hold common keys (id, driver, every, consent) plus their driver's own options, which
 * the driver's zod schema validates (see checks.ts).
 */

const id = (what: string) =>
  z
    .string()
    .regex(
      ID_PATTERN,
      `${what} may hold only letters, digits, ".", "_" and "-", start with a letter or digit, ≤ 64 characters`,
    )
    .describe(`${what}: a topic level and a tag value`);

export const Duration = z
  .string()
  .refine((s) => parseDuration(s) !== undefined, 'a duration such as "500ms", "10s", "6m" or "1h"')
  .transform((s) => parseDuration(s)!)
  .describe('a duration: a number followed by ms, s, m, h or d ("10s")');

export const Size = z
  .union([z.number().int().positive(), z.string()])
  .refine((s) => parseSize(s) !== undefined, 'a size such as 65536, "64KiB" or "256MB"')
  .transform((s) => parseSize(s)!)
  .describe('a size in bytes, or with a unit: B, KB, MB, GB, KiB, MiB, GiB ("256MB")');

const SecretFile = z.string().min(1).describe('path of a file holding the secret (first line, trimmed)');
const SecretEnv = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name');

export const GatewaySection = z
  .strictObject({
    id: id('gateway id'),
    site: z.string().min(1).optional().describe('site tag of every reading of this gateway'),
    location: z
      .strictObject({ lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180) })
      .optional()
      .describe('where the gateway is; published coarsened for self-data gateways'),
    selfData: z
      .boolean()
      .default(false)
      .describe('true for a gateway in a home (self-data): its location is coarsened before it leaves'),
  })
  .describe('who this gateway is');

export const MqttSection = z
  .strictObject({
    url: z
      .string()
      .regex(
        /^(mqtt|mqtts|tcp|tls|ws|wss):\/\/[^\s]+$/,
        'an MQTT URL such as mqtt://broker:1883 or mqtts://broker:8883',
      )
      .refine((u) => !/^[a-z]+:\/\/[^/@]*:[^/@]*@/.test(u), 'no password in the URL: use passwordFile or passwordEnv')
      .describe('broker URL; mqtts:// uses TLS'),
    username: z.string().min(1).optional(),
    passwordFile: SecretFile.optional(),
    passwordEnv: SecretEnv.optional().describe('name of an environment variable holding the password'),
    clientId: z.string().min(1).optional().describe('defaults to tidegate-<gateway id>'),
    topicPrefix: z
      .string()
      .default(DEFAULT_PREFIX)
      .refine((p) => prefixProblem(p) === undefined, 'levels of letters, digits, ".", "_", "-" separated by "/"'),
    caFile: z.string().optional().describe('CA certificate (PEM) for mqtts'),
    certFile: z.string().optional().describe('client certificate (PEM) for mqtts'),
    keyFile: z.string().optional().describe('client key (PEM) for mqtts'),
    keepalive: Duration.default(30_000),
    reconnectMin: Duration.default(1000).describe('first reconnect delay; doubles up to reconnectMax, with jitter'),
    reconnectMax: Duration.default(60_000),
    maxMessageBytes: Size.default(64 * 1024).describe('upper bound of one data message during replay'),
    statusEvery: Duration.default(60_000).describe('how often the retained status is refreshed'),
  })
  .describe('the broker this gateway publishes to');

export const BufferSection = z
  .strictObject({
    path: z.string().min(1).describe('SQLite file of the store-and-forward buffer'),
    maxBytes: Size.default(256 * 1024 * 1024).describe('cap on buffered line protocol; the oldest are dropped beyond'),
    flushEvery: Duration.default(1000).describe('readings are written in one transaction per flush'),
  })
  .describe('the durable buffer between the drivers and the broker');

export const PrivacySection = z
  .strictObject({
    keyFile: z.string().min(1).optional().describe('per-deployment key of the keyed pseudonyms (HMAC-SHA256)'),
  })
  .describe('privacy stage settings');

export const ClockSection = z
  .strictObject({
    minYear: z.number().int().min(2000).default(2024).describe('a clock before this year is wrong'),
    check: z
      .enum(['timedatectl', 'year'])
      .default('timedatectl')
      .describe('timedatectl: also wait for NTPSynchronized=yes; year: trust any clock past minYear'),
  })
  .describe('when the clock counts as set (readings are held until then)');

export const HealthSection = z
  .strictObject({
    listen: z
      .string()
      .regex(/^[^\s:]+:\d{1,5}$/, 'host:port, e.g. 127.0.0.1:9102')
      .default('127.0.0.1:9102')
      .describe('local HTTP endpoint for /health and /metrics'),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
  })
  .describe('local health endpoint and logs');

const SerialBus = z.strictObject({
  port: z.string().min(1).describe('serial device, e.g. /dev/ttyUSB0'),
  baudRate: z.number().int().positive().default(9600),
  dataBits: z.union([z.literal(5), z.literal(6), z.literal(7), z.literal(8)]).default(8),
  parity: z.enum(['none', 'even', 'odd', 'mark', 'space']).default('none'),
  stopBits: z.union([z.literal(1), z.literal(1.5), z.literal(2)]).default(1),
  timeoutMs: z.number().int().positive().default(500),
});

const TcpBus = z.strictObject({
  host: z.string().min(1).describe('Modbus TCP gateway host'),
  tcpPort: z.number().int().min(1).max(65535).default(502),
  rtuOverTcp: z.boolean().default(false),
  timeoutMs: z.number().int().positive().default(1000),
});

export const BusSchema = z.union([SerialBus, TcpBus]).describe('a shared line: RS-485 serial or Modbus TCP');

/** The keys every device entry has; the rest belongs to its driver. */
export const COMMON_DEVICE_KEYS = ['id', 'driver', 'every', 'consent'] as const;

export const DeviceSchema = z
  .looseObject({
    id: id('device id'),
    driver: z
      .string()
      .min(1)
      .describe(`one of ${DRIVER_NAMES.join(', ')}`),
    every: Duration.optional().describe('poll interval (poll drivers); push drivers report by themselves'),
    consent: z
      .enum(['none', 'daily', 'half-hourly', 'raw'])
      .optional()
      .describe(
        'self-data devices: the granularity the owner consented to (teleinfo meters without it: daily; none: nothing leaves)',
      ),
  })
  .describe("one device; other keys are the driver's options (port, bus, unit, profile, mode...)");

export const GatewayConfigSchema = z
  .strictObject({
    gateway: GatewaySection,
    mqtt: MqttSection,
    buffer: BufferSection,
    privacy: PrivacySection.default({}),
    clock: ClockSection.default({ minYear: 2024, check: 'timedatectl' }),
    health: HealthSection.default({ listen: '127.0.0.1:9102', logLevel: 'info' }),
    buses: z.record(id('bus id'), BusSchema).default({}),
    devices: z.array(DeviceSchema).default([]),
  })
  .describe('tidegate gateway config');

export type GatewayConfig = z.output<typeof GatewayConfigSchema>;
export type DeviceConfig = z.output<typeof DeviceSchema>;
export type BusConfig = z.output<typeof BusSchema>;
