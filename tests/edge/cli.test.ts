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
