import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse } from 'yaml';
import * as z from 'zod';
import { IngestOptionsSchema } from '../ingest/config.js';
import { ROLES } from './users.js';
import { loadYaml } from './yaml-file.js';

const Host = z.string().default('127.0.0.1');
const Port = z.number().int().min(0).max(65535);
/** A listener may let clients in without a user name, with the role given here (never by default). */
const Anonymous = z.union([z.literal(false), z.enum(ROLES)]).default(false);
/** Who may GET /health or /metrics: nobody, clients on this machine, or any client that reaches the listener. */
const Exposure = z.enum(['off', 'loopback', 'any']).default('loopback');

export const BrokerConfigSchema = z.strictObject({
  prefix: z.string().default('tidegate'),
  /** The accounts file (see users.ts); relative to the config file. */
  usersFile: z.string().optional(),
  listeners: z
    .strictObject({
      mqtt: z.strictObject({ host: Host, port: Port.default(1883), anonymous: Anonymous }).optional(),
      mqtts: z
        .strictObject({
          host: Host,
          port: Port.default(8883),
          cert: z.string(),
          key: z.string(),
          anonymous: Anonymous,
          /** A connection whose TLS handshake has not completed by then is closed. */
          handshakeTimeoutMs: z.number().int().positive().default(10_000),
        })
        .optional(),
      /** Health (/health), metrics (/metrics), the dashboard and MQTT over WebSocket (websocketPath). */
      http: z
        .strictObject({
          host: Host,
          port: Port.default(8080),
          websocketPath: z.string().startsWith('/').default('/mqtt'),
          anonymous: Anonymous,
          /** /health and /metrics are served only as deliberately chosen here (loopback by default). */
          expose: z.strictObject({ health: Exposure, metrics: Exposure }).prefault({}),
        })
        .optional(),
    })
    .prefault({ mqtt: {}, http: {} }),
  limits: z
    .strictObject({
      maxPayloadBytes: z
        .number()
        .int()
        .positive()
        .default(256 * 1024),
      maxConnectionsPerUser: z.number().int().positive().default(4),
      /** All anonymous clients together (they share one principal, "anonymous"). */
      maxAnonymousConnections: z.number().int().nonnegative().default(100),
      /** The largest CONNECT accepted: what a connection may make the broker buffer before it logs in. */
      maxConnectBytes: z
        .number()
        .int()
        .min(64)
        .default(16 * 1024),
      loginFailuresPerAccount: z.number().int().positive().default(10),
      loginFailuresPerAddress: z.number().int().positive().default(30),
      loginWindowMs: z.number().int().positive().default(60_000),
      /** Every refused login is answered this long after its CONNECT (no timing oracle, slower guessing). */
      refusalDelayMs: z.number().int().nonnegative().default(250),
    })
    .prefault({}),
  acl: z
    .array(
      z.strictObject({
        user: z.string(),
        action: z.enum(['publish', 'subscribe', 'both']),
        topic: z.string().min(1),
        allow: z.boolean(),
      }),
    )
    .default([]),
  persistence: z
    .discriminatedUnion('type', [
      z.strictObject({ type: z.literal('memory') }),
      /** One broker process, sessions on disk (broker/persistence/): nothing acknowledged is lost. */
      z.strictObject({
        type: z.literal('sqlite'),
        path: z.string().default('broker-sessions.db'),
        sync: z.enum(['normal', 'full']).default('normal'),
      }),
      z.strictObject({ type: z.literal('redis'), url: z.string().default('redis://127.0.0.1:6379') }),
    ])
    .default({ type: 'memory' }),
  /** Client ids whose sessions exist from broker start, so nothing sent before they connect is lost. */
  durableSessions: z
    .array(
      z.strictObject({
        clientId: z.string(),
        topics: z.array(z.string()).min(1),
        /** Away longer than this (seconds), the session's client (an ingestor) makes /health not ok. */
        maxAwayS: z.number().positive().default(300),
      }),
    )
    .default([]),
  /** Events kept for the dashboard (SQLite); without a path they last as long as the process. */
  events: z
    .strictObject({ path: z.string().optional(), maxEvents: z.number().int().positive().default(100_000) })
    .prefault({}),
  /** Where the dashboard reads history; the in-process ingestor's InfluxDB when not given. */
  history: z
    .strictObject({
      influx: z.strictObject({
        url: z.string(),
        database: z.string().default('tidegate'),
        username: z.string().optional(),
        password: z.string().optional(),
      }),
    })
    .optional(),
  /** Runs the ingestor inside the broker process (the demo's default). */
  ingest: IngestOptionsSchema.extend({ enabled: z.boolean().default(true) }).optional(),
});

export type BrokerConfigInput = z.input<typeof BrokerConfigSchema>;
export type BrokerConfig = z.output<typeof BrokerConfigSchema>;

export function parseBrokerConfig(input: unknown, source = 'broker config'): BrokerConfig {
  const parsed = BrokerConfigSchema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new Error(`${source}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
}

/** A path from a config file, relative to that file's folder. */
export function resolveFrom(configFile: string | undefined, path: string): string {
  if (isAbsolute(path) || !configFile) return path;
  return resolve(dirname(configFile), path);
}

export function loadBrokerConfig(file: string): BrokerConfig {
  const config = loadYaml(file, BrokerConfigSchema);
  // A config file that says nothing gets durable sessions beside it: memory must be asked for.
  const raw = parse(readFileSync(file, 'utf8')) as Record<string, unknown> | null;
  if (!raw || !('persistence' in raw))
    config.persistence = { type: 'sqlite', path: 'broker-sessions.db', sync: 'normal' };
  const fix = (p: string | undefined) => (p === undefined ? undefined : resolveFrom(file, p));
  config.usersFile = fix(config.usersFile);
  if (config.persistence.type === 'sqlite') config.persistence.path = fix(config.persistence.path)!;
  config.events.path = fix(config.events.path);
  if (config.listeners.mqtts) {
    config.listeners.mqtts.cert = fix(config.listeners.mqtts.cert)!;
    config.listeners.mqtts.key = fix(config.listeners.mqtts.key)!;
  }
  if (config.ingest) {
    config.ingest.spill.path = fix(config.ingest.spill.path)!;
    config.ingest.influx.managedDir = fix(config.ingest.influx.managedDir)!;
    config.ingest.mqtt.passwordFile = fix(config.ingest.mqtt.passwordFile);
  }
  return config;
}
