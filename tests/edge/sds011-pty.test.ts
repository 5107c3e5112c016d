import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startAgent } from '../../edge/agent/agent.js';
import { testConfig, testConfigYaml } from '../../edge/testing/agent-config.js';
import { removeTempDir, spawnService, startAedes, tempDir, usePtyPair, waitFor } from '../harness/index.js';
import { BrokerRecorder } from './recorder.js';

const CLI = new URL('../../bin/tidegate.js', import.meta.url).pathname;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The real sds011 driver reading a simulated sensor over a socat PTY pair, through the whole agent. */
describe('edge agent with a real SDS011 driver over a serial PTY', () => {
  const pty = usePtyPair();
  const dir = tempDir();
  afterAll(() => removeTempDir(dir));

  it('delivers every frame read, once in content and in order, across broker restarts; counts bad frames', async () => {
    const aedes = await startAedes();
    const recorder = new BrokerRecorder(aedes);
    const yaml = testConfigYaml({ dir, url: aedes.url, devices: [`{ id: pm-1, driver: sds011, port: ${pty().a} }`] });
    const loaded = await testConfig(`${yaml}privacy: { keyFile: ${join(dir, 'pseudonym.key')} }\n`);
    const agent = await startAgent(loaded, { rejectionReportMs: 300 });
    const simulator = spawnService('node', [
      CLI,
      'simulate',
      'sds011',
      '--port',
      pty().b,
      '--interval',
      '15',
      '--count',
      '400',
      '--fault-every',
      '9',
      '--faults',
      'checksum',
    ]);
    try {
      for (let outage = 0; outage < 2; outage++) {
        await waitFor(() => recorder.distinct('pm-1').length > (outage + 1) * 40, 'readings before an outage', 30_000);
        await aedes.stop();
        await pause(600);
        await recorder.restart();
      }
      await waitFor(() => simulator.child.exitCode !== null, 'the simulator to finish', 60_000);
      await pause(300);
      const read = agent.status().devices?.['pm-1']?.readings ?? 0;
      expect(read).toBeGreaterThan(300);
      await waitFor(() => recorder.distinct('pm-1').length === read, `all ${read} readings at the broker`, 30_000);
      const lines = recorder.distinct('pm-1');
      expect(lines.every((l) => l.startsWith('air_quality,'))).toBe(true);
      const times = lines.map((l) => BigInt(l.slice(l.lastIndexOf(' ') + 1)));
      expect(times).toEqual([...times].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
      expect(lines.join('\n')).not.toMatch(/serial=A160/i); // the sensor id leaves only as a pseudonym
      expect(agent.status().devices?.['pm-1']?.rejected).toBeGreaterThan(0);
      await waitFor(() => recorder.events.some((e) => e.type === 'frame_rejected'), 'a frame_rejected event');
    } finally {
      await simulator.stop();
      await agent.stop();
      await aedes.stop();
    }
  });

  it('tidegate probe reads the device once and prints line protocol', async () => {
    const config = join(dir, 'probe.yaml');
    writeFileSync(
      config,
      testConfigYaml({ dir, url: 'mqtt://127.0.0.1:1', devices: [`{ id: pm-1, driver: sds011, port: ${pty().a} }`] }),
    );
    const simulator = spawnService('node', [CLI, 'simulate', 'sds011', '--port', pty().b, '--interval', '200']);
    try {
      const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) =>
        execFile('node', [CLI, 'probe', '--config', config, '--device', 'pm-1', '--timeout', '20000'], (e, out) =>
          resolve({ code: e ? 1 : 0, stdout: out }),
        ),
      );
      expect(code).toBe(0);
      expect(stdout).toMatch(/^air_quality,sensor=sds011 pm2_5_ugm3=[\d.]+,pm10_ugm3=[\d.]+ \d{19}$/m);
      expect(stdout).not.toContain('A160');
    } finally {
      await simulator.stop();
    }
  });
});
