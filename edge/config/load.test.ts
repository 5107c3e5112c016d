import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import * as z from 'zod';
import type { DriverModule } from '../../drivers/driver.js';
import { tempDir } from '../../tests/harness/index.js';
import { testDrivers } from '../testing/counter-driver.js';
import { gatewayJsonSchema, SCHEMA_FILE } from './json-schema.js';
import { loadConfig, parseConfig } from './load.js';
import { GatewayConfigSchema } from './schema.js';

const base = `gateway: { id: gw-1 }
mqtt: { url: mqtt://127.0.0.1:1883 }
buffer: { path: /tmp/b.db }
`;

/** A bus driver whose one poll takes 100 ms per register at 9600 baud (as a Modbus estimate would). */
const busDriver: DriverModule = {
  driver: {
    name: 'busy',
    description: 'test bus driver',
    mode: 'poll',
    options: z.strictObject({ bus: z.string(), unit: z.number().int(), profile: z.enum(['sdm630']) }),
    example: { bus: 'rs485-1', unit: 1, profile: 'sdm630' },
    resources: (o: { bus: string }) => [{ kind: 'bus', id: o.bus }],
    estimatePollMs: (_o: unknown, line: { baudRate: number }) => (100 * 9600) / line.baudRate,
    emits: () => [],
    open: () => Promise.reject(new Error('not in tests')),
  } as never,
};
const drivers = new Map([...testDrivers(), ['busy', busDriver]]);

async function problems(yaml: string, env: NodeJS.ProcessEnv = {}) {
  const result = await parseConfig('gw.yaml', yaml, { drivers, env });
  return result.ok ? [] : result.problems;
}

describe('gateway config', () => {
  it('accepts a minimal config and fills defaults', async () => {
    const result = await parseConfig('gw.yaml', `${base}devices:\n  - { id: c1, driver: counter, every: 10s }\n`, {
      drivers,
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.config.mqtt.topicPrefix).toBe('tidegate');
    expect(result.value.config.buffer.maxBytes).toBe(256 * 1024 * 1024);
    expect(result.value.devices).toEqual([{ id: 'c1', driver: 'counter', everyMs: 10_000, options: { start: 0 } }]);
  });

  it('names file, line and key of each problem', async () => {
    const found = await problems(`gateway:
  id: gw 1
mqtt:
  url: mqtt://127.0.0.1:1883
  colour: blue
buffer:
  path: /tmp/b.db
  maxBytes: lots
`);
    expect(found.map((p) => [p.file, p.line, p.key])).toEqual([
      ['gw.yaml', 2, 'gateway.id'],
      ['gw.yaml', 5, 'mqtt.colour'],
      ['gw.yaml', 8, 'buffer.maxBytes'],
    ]);
    expect(found[1]?.message).toBe('unknown key "colour"');
  });

  it('reports YAML syntax errors with their line', async () => {
    const found = await problems('gateway:\n  id: [unclosed\nmqtt: {}\n');
    expect(found[0]?.key).toBe('(yaml)');
    expect(found[0]?.line).toBeGreaterThan(1);
  });

  it('refuses secrets written in the file and reads them from files or the environment', async () => {
    const inline = await problems(base.replace('1883 }', '1883, password: hunter2 }'));
    expect(inline).toHaveLength(1);
    expect(inline[0]).toMatchObject({ line: 2, key: 'mqtt.password' });
    expect(inline[0]?.hint).toContain('passwordFile');
    expect(JSON.stringify(inline)).not.toContain('hunter2');

    const withEnv = base.replace('1883 }', '1883, passwordEnv: GW_PASS }');
    expect((await problems(withEnv))[0]?.message).toBe('environment variable GW_PASS is not set');
    const ok = await parseConfig('gw.yaml', withEnv, { drivers, env: { GW_PASS: 's3cret' } });
    expect(ok.ok && ok.value.mqttPassword).toBe('s3cret');

    const dir = tempDir();
    const secret = join(dir, 'mqtt.secret');
    writeFileSync(secret, 'from-file\n');
    chmodSync(secret, 0o644);
    const withFile = base.replace('1883 }', `1883, passwordFile: ${secret} }`);
    expect((await problems(withFile))[0]?.hint).toBe(`chmod 600 ${secret}`);
    chmodSync(secret, 0o600);
    const fromFile = await parseConfig('gw.yaml', withFile, { drivers });
    expect(fromFile.ok && fromFile.value.mqttPassword).toBe('from-file');
  });

  it('checks devices against their drivers: unknown driver, options, duplicate ids, ports, buses', async () => {
    const found = await problems(`${base}buses:
  rs485-1: { port: /dev/ttyUSB0, baudRate: 9600 }
devices:
  - { id: c1, driver: counter, every: 10s }
  - { id: c1, driver: counter, every: 10s }
  - { id: x, driver: sds012, port: /dev/ttyUSB1 }
  - { id: m1, driver: busy, bus: rs485-2, unit: 1, profile: sdm630, every: 10s }
  - { id: m2, driver: busy, bus: rs485-1, unit: 2, profile: sdm999, every: 10s }
  - { id: m3, driver: busy, bus: rs485-1, unit: 3, profile: sdm630 }
  - { id: c2, driver: counter, every: 10s, port: /dev/ttyUSB0 }
`);
    const byKey = Object.fromEntries(found.map((p) => [p.key, p]));
    expect(byKey['devices[1].id']).toMatchObject({ line: 8, message: 'duplicate device id "c1"' });
    expect(byKey['devices[2].driver']?.message).toBe('unknown driver "sds012"');
    expect(byKey['devices[2].driver']?.hint).toContain('counter');
    expect(byKey['devices[3].bus']?.message).toBe('bus "rs485-2" is not declared');
    expect(byKey['devices[4].profile']?.line).toBe(11);
    expect(byKey['devices[5]']?.message).toContain('"every" is missing');
    expect(byKey['devices[6].port']?.message).toBe('unknown key "port"');
  });

  it('finds a serial port claimed by a bus and a device', async () => {
    const found = await problems(`${base}buses:
  rs485-1: { port: /dev/ttyUSB0 }
devices:
  - { id: m1, driver: busy, bus: rs485-1, unit: 1, profile: sdm630, every: 10s }
`);
    expect(found).toEqual([]);
    const portDrivers = new Map([
      ...drivers,
      [
        'serialish',
        {
          driver: {
            ...testDrivers().get('counter')!.driver,
            options: z.strictObject({ port: z.string() }),
            resources: (o: { port: string }) => [{ kind: 'serial-port', path: o.port }],
          },
        } as unknown as DriverModule,
      ],
    ]);
    const result = await parseConfig(
      'gw.yaml',
      `${base}buses:\n  rs485-1: { port: /dev/ttyUSB0 }\ndevices:\n  - { id: s1, driver: serialish, port: /dev/ttyUSB0, every: 1s }\n`,
      { drivers: portDrivers },
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems[0]).toMatchObject({ line: 7, key: 'devices[0].port' });
    expect(result.problems[0]?.message).toBe('serial port /dev/ttyUSB0 is already used by bus rs485-1');
  });

  it('finds poll intervals a bus cannot honour at its baud rate', async () => {
    const found = await problems(`${base}buses:
  rs485-1: { port: /dev/ttyUSB0, baudRate: 1200 }
devices:
  - { id: m1, driver: busy, bus: rs485-1, unit: 1, profile: sdm630, every: 500ms }
  - { id: m2, driver: busy, bus: rs485-1, unit: 2, profile: sdm630, every: 1s }
`);
    expect(found.map((p) => p.key).sort()).toEqual(['buses.rs485-1', 'devices[0].every']);
    expect(found.find((p) => p.key === 'devices[0].every')?.message).toContain('800 ms at 1200 baud');
    expect(found.find((p) => p.key === 'buses.rs485-1')?.message).toContain('% of bus rs485-1');
  });

  it('reports schema and driver problems at once, and suggests the key a misspelt one was meant to be', async () => {
    const found = await problems(`gateway: { id: gw-1 }
mqtt: { url: mqtt://127.0.0.1:1883, keepalive: 30 }
buffer: { path: /tmp/b.db }
buses:
  rs485-1: { port: /dev/ttyUSB0, baudrate: 9600 }
devices:
  - { id: m1, driver: busy, bus: rs485-1, unit: 1, profil: sdm630, evry: 10s }
  - { id: m1, driver: busy, bus: rs485-1, unit: 2, profile: sdm630, every: 10s }
  - { id: c1, driver: counter, every: 1 }
`);
    expect(found.map((p) => [p.line, p.key, p.hint])).toEqual([
      [2, 'mqtt.keepalive', 'a duration: keepalive: 30s (or 30ms, 30m)'],
      [5, 'buses.rs485-1.baudrate', 'did you mean "baudRate"?'],
      [7, 'devices[0].profile', undefined],
      [7, 'devices[0].profil', 'did you mean "profile"?'],
      [7, 'devices[0].evry', 'did you mean "every"?'],
      [8, 'devices[1].id', 'devices[0] has it'],
      [9, 'devices[2].every', 'a duration: every: 1s (or 1ms, 1m)'],
    ]);
  });

  it('has an up-to-date config/gateway.schema.json', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(gatewayJsonSchema());
  });

  it('has an example config that the real drivers accept (its secret file is on the gateway only)', async () => {
    const result = await loadConfig(new URL('../../config/gateway.example.yaml', import.meta.url).pathname);
    const problems = result.ok ? [] : result.problems.map((p) => p.key);
    expect(problems.filter((key) => key !== 'mqtt.passwordFile')).toEqual([]);
  });

  it('has an example config that the schema accepts', () => {
    const example = parse(readFileSync(new URL('../../config/gateway.example.yaml', import.meta.url), 'utf8'));
    expect(GatewayConfigSchema.safeParse(example).success).toBe(true);
  });
});
