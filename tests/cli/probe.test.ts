import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { processesHolding } from '../../edge/commands/port-check.js';
import { testConfigYaml } from '../../edge/testing/agent-config.js';
import { removeTempDir, spawnService, tempDir, usePtyPair, waitFor } from '../harness/index.js';
import { CLI, tidegate } from './run.js';

/** `tidegate probe` and `tidegate edge --once` on real PTYs, with the real SDS011 simulator and agent. */
describe('probe and edge --once at the cabinet', () => {
  const pty = usePtyPair();
  const dir = tempDir();
  afterAll(() => removeTempDir(dir));
  const config = (name: string, devices: string[]) => {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, testConfigYaml({ dir: join(dir, name), url: 'mqtt://127.0.0.1:1', devices }));
    return file;
  };

  it('probe fails at once on a port that does not exist, pointing at tidegate ports', async () => {
    const file = config('absent', [`{ id: pm-1, driver: sds011, port: ${dir}/ttyUSB-absent }`]);
    // A 10-minute timeout: only an immediate failure ends within the test's own timeout.
    const { code, stderr } = await tidegate(['probe', '-c', file, '-d', 'pm-1', '--timeout', '10m']);
    expect(code).toBe(1);
    expect(stderr).toContain(`pm-1: ${dir}/ttyUSB-absent does not exist;`);
    expect(stderr).toContain('tidegate ports');
  }, 60_000);

  it('probe says so when the running agent holds the port', async () => {
    const file = config('held', [`{ id: pm-1, driver: sds011, port: ${pty().a} }`]);
    const agent = spawnService('node', [CLI, 'edge', '-c', file]);
    try {
      await waitFor(
        () => processesHolding(pty().a).some((h) => h.pid === agent.child.pid),
        'the agent to open the port',
        30_000,
      );
      const { code, stderr } = await tidegate(['probe', '-c', file, '-d', 'pm-1', '--timeout', '10m']);
      expect(code).toBe(1);
      expect(stderr).toMatch(/pm-1: .* is held by the running tidegate agent \(pid \d+: .*tidegate\.js edge -c /);
      expect(stderr).toContain('systemctl stop tidegate-edge');
    } finally {
      await agent.stop();
    }
  }, 60_000);

  it('edge --once reads every device once, prints line protocol and a summary, publishes nothing', async () => {
    const file = config('once', [
      `{ id: pm-1, driver: sds011, port: ${pty().a} }`,
      `{ id: pm-2, driver: sds011, port: ${dir}/ttyUSB-gone }`,
    ]);
    const simulator = spawnService('node', [CLI, 'simulate', 'sds011', '--port', pty().b, '--interval', '200']);
    try {
      const { code, stdout, stderr } = await tidegate(['edge', '-c', file, '--once', '--timeout', '20s']);
      expect(code).toBe(1); // pm-2 gave nothing
      expect(stdout).toMatch(/^air_quality,sensor=sds011 pm2_5_ugm3=[\d.]+,pm10_ugm3=[\d.]+ \d{19}$/m);
      expect(stdout).not.toMatch(/A160/i); // the sensor id is an identifier: never on screen in clear
      expect(stderr).toMatch(/^device\s+driver\s+readings\s+rejected\s+result$/m);
      expect(stderr).toMatch(/^pm-1\s+sds011\s+[1-9]\d*\s+0\s+ok in [\d.]+ s$/m);
      expect(stderr).toMatch(/^pm-2\s+sds011\s+0\s+0\s+.*ttyUSB-gone does not exist/m);
      expect(stderr).toContain('1/2 devices read; nothing was published');
    } finally {
      await simulator.stop();
    }
  }, 60_000);
});
