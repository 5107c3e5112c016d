import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findBinary, removeTempDir, tempDir, usePtyPair } from '../harness/index.js';
import { tidegate } from './run.js';

/** Four mistakes of different kinds: a schema error, a misspelt key, and two found against the drivers. */
const FOUR_MISTAKES = (dir: string) => `gateway:
  id: gw-1
mqtt:
  url: mqtt://127.0.0.1:1883
  usernme: gw-1
buffer:
  path: ${dir}/b.db
  maxBytes: lots
buses:
  rs485-1: { port: ${dir}/no-such-port, baudRate: "9600" }
devices:
  - { id: m1, driver: modbus, bus: rs485-1, unit: 1, profile: sdm631, every: 10s }
  - { id: m1, driver: modbus, bus: rs485-1, unit: 2, profile: sdm630, every: 10s }
`;

describe('tidegate check: every problem at once, in a technician’s words', () => {
  const dir = tempDir();
  const pty = usePtyPair();
  afterAll(() => removeTempDir(dir));
  const write = (name: string, text: string) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  it('prints schema and driver problems together, sorted by line, with hints (issue 13 §6)', async () => {
    const file = write('four.yaml', FOUR_MISTAKES(dir));
    const { code, stderr } = await tidegate(['check', file]);
    expect(code).toBe(1);
    const lines = stderr.trim().split('\n');
    const located = lines.filter((l) => l.startsWith(`${file}:`) && /:\d+:\d+:/.test(l));
    const numbers = located.map((l) => Number(l.slice(file.length + 1).split(':')[0]));
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    expect(stderr).toContain(`${file}:5:3: mqtt.usernme: unknown key "usernme" (hint: did you mean "username"?)`);
    expect(stderr).toContain(`${file}:8:3: buffer.maxBytes:`);
    expect(stderr).toMatch(
      /:10:\d+: buses\.rs485-1\.baudRate: "9600" is text, a number is expected \(hint: write it without quotes: baudRate: 9600\)/,
    );
    expect(stderr).toMatch(/:12:\d+: devices\[0\]\.profile: modbus profile "sdm631"/);
    expect(stderr).toMatch(/:13:\d+: devices\[1\]\.id: duplicate device id "m1"/);
    expect(lines.at(-1)).toBe(`${file}: 5 errors, 1 warning`);
  });

  it('gives YAML indentation errors a hint, and says a missing file is missing without :0:0:', async () => {
    const file = write('indent.yaml', 'gateway:\n  id: gw-1\n site: port\nmqtt:\n\turl: mqtt://x\n');
    const { code, stderr } = await tidegate(['check', file]);
    expect(code).toBe(1);
    expect(stderr).toContain(
      `${file}:3:1: (yaml): All mapping items must start at the same column (hint: keys of one section start in the same column`,
    );
    expect(stderr).toContain(
      `${file}:5:1: (yaml): Tabs are not allowed as indentation (hint: indent with spaces, not tabs)`,
    );

    const missing = join(dir, 'absent.yaml');
    const absent = await tidegate(['check', missing]);
    expect(absent.code).toBe(1);
    expect(absent.stderr).toContain(`${missing}: no such file`);
    expect(absent.stderr).not.toContain(':0:0:');
  });

  it('suggests enum values and units: parity None, every 10', async () => {
    const file = write(
      'values.yaml',
      `gateway: { id: gw-1 }
mqtt: { url: mqtt://127.0.0.1:1883 }
buffer: { path: ${dir}/b.db }
buses:
  rs485-1: { port: ${pty().a}, parity: None }
devices:
  - { id: m1, driver: modbus, bus: rs485-1, unit: 1, profile: sdm630, every: 10 }
`,
    );
    const { stderr } = await tidegate(['check', file]);
    expect(stderr).toMatch(
      /:5:\d+: buses\.rs485-1\.parity: "None" is not one of: none, even, odd, mark, space \(hint: did you mean "none"\?\)/,
    );
    expect(stderr).toMatch(/:7:\d+: devices\[0\]\.every: 10 has no unit \(hint: a duration: every: 10s/);
  });

  it('warns of a serial port that does not exist, lists the ports that do, and passes one that exists', async () => {
    const file = write(
      'ports.yaml',
      `gateway: { id: gw-1 }
mqtt: { url: mqtt://127.0.0.1:1883 }
buffer: { path: ${dir}/b.db }
devices:
  - { id: pm-1, driver: sds011, port: ${pty().a}, every: 30s }
  - { id: pm-2, driver: sds011, port: /dev/ttyUSB97, every: 30s }
`,
    );
    const { code, stdout, stderr } = await tidegate(['check', file]);
    expect(code).toBe(0);
    expect(stderr).toMatch(
      /:6:\d+: devices\[1\]\.port: warning: serial port \/dev\/ttyUSB97 does not exist \(not plugged in yet\?\) \(hint: (ports here: .*|this machine has no serial port now).*tidegate ports/,
    );
    expect(stderr).not.toContain('devices[0]');
    expect(stdout).toContain('ok (gateway gw-1, 2 devices');
    expect(stdout).toContain('1 warning');
  });

  it('warns when the pseudonym key cannot be created by the user that runs the agent', async () => {
    const setpriv = findBinary('setpriv');
    if (!setpriv || process.getuid?.() !== 0) return; // needs root to run the check as another user
    const etc = join(dir, 'etc-tidegate');
    mkdirSync(etc);
    chmodSync(dir, 0o755);
    chmodSync(etc, 0o755);
    const file = write(
      'key.yaml',
      `gateway: { id: gw-1 }
mqtt: { url: mqtt://127.0.0.1:1883 }
buffer: { path: ${dir}/b.db }
privacy:
  keyFile: ${etc}/pseudonym.key
`,
    );
    chmodSync(file, 0o644);
    const asNobody = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', 'env', 'HOME=/tmp'];
    const { code, stderr } = await tidegate(['check', file], { prefix: asNobody });
    expect(code).toBe(0);
    expect(stderr).toContain(
      `:5:3: privacy.keyFile: warning: the pseudonym key ${etc}/pseudonym.key does not exist and cannot be created in ${etc} (EACCES)`,
    );
    expect(stderr).toContain('/var/lib/tidegate/pseudonym.key');
    // root can create it: no warning
    const asRoot = await tidegate(['check', file]);
    expect(asRoot.stderr).not.toContain('keyFile');
  });
});
