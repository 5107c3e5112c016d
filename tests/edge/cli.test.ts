import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testConfigYaml } from '../../edge/testing/agent-config.js';
import { removeTempDir, startAedes, tempDir } from '../harness/index.js';

const CLI = new URL('../../bin/tidegate.js', import.meta.url).pathname;

function tidegate(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('node', [CLI, ...args], { timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const MALFORMED = `gateway:
  id: gw-1
mqtt:
  url: mqtt://127.0.0.1:1883
  password: hunter2
buffer:
  path: /tmp/never.db
  maxBytes: 12 parsecs
devices:
  - { id: pm-1, driver: sds0011, port: /dev/ttyUSB1, every: 30s }
`;

describe('tidegate check, init and edge (the real CLI)', () => {
  const dir = tempDir();
  afterAll(() => removeTempDir(dir));

  it('check reports every problem with file, line and key, and never echoes a secret', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, MALFORMED);
    const { code, stderr } = await tidegate('check', file);
    expect(code).toBe(1);
    expect(stderr).toContain(`${file}:5:3: mqtt.password: a secret may not be written in the config file`);
    expect(stderr).toContain(`${file}:8:3: buffer.maxBytes:`);
    expect(stderr).not.toContain('hunter2');
  });

  it('check names an unknown driver with the known ones as a hint', async () => {
    const file = join(dir, 'driver.yaml');
    writeFileSync(file, MALFORMED.replace('  password: hunter2\n', '').replace('12 parsecs', '1MB'));
    const { code, stderr } = await tidegate('check', file);
    expect(code).toBe(1);
    expect(stderr).toMatch(
      new RegExp(`${file}:9:17: devices\\[0\\]\\.driver: unknown driver "sds0011" \\(hint: known drivers: .*sds011`),
    );
  });

  it('check finds a missing Modbus profile, an interval the bus cannot honour, a port used twice', async () => {
    const file = join(dir, 'bus.yaml');
    writeFileSync(
      file,
      `gateway: { id: gw-1 }
mqtt: { url: mqtt://127.0.0.1:1883 }
buffer: { path: ${join(dir, 'bus.db')} }
buses:
  rs485-1: { port: /dev/ttyUSB0, baudRate: 1200 }
devices:
  - { id: meter-1, driver: modbus, bus: rs485-1, unit: 1, profile: sdm999, every: 10s }
  - { id: meter-2, driver: modbus, bus: rs485-1, unit: 2, profile: sdm630, every: 200ms }
  - { id: pm-1, driver: sds011, port: /dev/ttyUSB0 }
`,
    );
    const { code, stderr } = await tidegate('check', file);
    expect(code).toBe(1);
    expect(stderr).toContain(`${file}:7:59: devices[0].profile: modbus profile "sdm999"`);
    expect(stderr).toMatch(
      new RegExp(
        `${file}:8:76: devices\\[1\\]\\.every: every 200ms cannot be honoured: one poll takes about \\d+ ms at 1200 baud`,
      ),
    );
    expect(stderr).toContain(`${file}:5:3: buses.rs485-1: the polls of meter-2 need`);
    expect(stderr).toContain(`${file}:9:33: devices[2].port: serial port /dev/ttyUSB0 is already used by bus rs485-1`);
  });

  it('edge never starts on a malformed config: no connection is made, exit code 2', async () => {
    const aedes = await startAedes();
    let clients = 0;
    aedes.broker.on('client', () => clients++);
    const file = join(dir, 'bad-edge.yaml');
    writeFileSync(file, MALFORMED.replace('mqtt://127.0.0.1:1883', aedes.url));
    const { code, stderr } = await tidegate('edge', '--config', file);
    expect(code).toBe(2);
    expect(stderr).toContain('mqtt.password');
    expect(stderr).toContain('not started');
    expect(clients).toBe(0);
    await aedes.stop();
  });

  it('init writes the commented example, which check then reads', async () => {
    const file = join(dir, 'gateway.yaml');
    const { code } = await tidegate('init', file);
    expect(code).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(
      readFileSync(new URL('../../config/gateway.example.yaml', import.meta.url), 'utf8'),
    );
    expect((await tidegate('init', file)).code).toBe(1); // no overwrite without --force
    const good = join(dir, 'good.yaml');
    writeFileSync(good, testConfigYaml({ dir, url: 'mqtt://127.0.0.1:1883', devices: [] }));
    const checked = await tidegate('check', good);
    expect(checked.stdout).toContain('ok (gateway gw-test, 0 devices');
    expect(checked.code).toBe(0);
  });
});
