import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startAgent } from '../../edge/agent/agent.js';
import { testConfig, testConfigYaml } from '../../edge/testing/agent-config.js';
import { removeTempDir, spawnService, startAedes, tempDir, usePtyPair, waitFor } from '../harness/index.js';
import { BrokerRecorder } from './recorder.js';

const CLI = new URL('../../bin/tidegate.js', import.meta.url).pathname;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One sample of a metric in Prometheus text, NaN when absent. */
function sample(text: string, name: string, labels: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}} `));
  return line ? Number(line.split(' ').at(-1)) : Number.NaN;
}

/**
 * A push device whose frames stop is down: the real sds011 driver (active mode, a frame a second, so
 * down after 10 s of silence) on a socat PTY, fed by `tidegate simulate` that stops, then by garbage.
 */
describe('a push device that goes quiet', () => {
  const pty = usePtyPair();
  const dir = tempDir();
  afterAll(() => removeTempDir(dir));

  it('goes down with a reason and an event, counts garbage while it comes, and is up at the next frame', async () => {
    const aedes = await startAedes();
    const recorder = new BrokerRecorder(aedes);
    const yaml = testConfigYaml({ dir, url: aedes.url, devices: [`{ id: pm-1, driver: sds011, port: ${pty().a} }`] });
    const loaded = await testConfig(`${yaml}privacy: { keyFile: ${join(dir, 'pseudonym.key')} }\n`);
    const agent = await startAgent(loaded);
    const scrape = async () => (await fetch(`http://127.0.0.1:${agent.healthPort}/metrics`)).text();
    const events = (type: string) => recorder.events.filter((e) => e.type === type && e.device === 'pm-1');
    const simulate = (count: number) =>
      spawnService('node', [
        CLI,
        'simulate',
        'sds011',
        '--port',
        pty().b,
        '--interval',
        '50',
        '--count',
        String(count),
      ]);
    try {
      const first = simulate(20);
      await waitFor(() => first.child.exitCode !== null, 'the simulator to send its frames and stop', 30_000);
      expect(agent.status().devices?.['pm-1']).toMatchObject({ state: 'up' });

      await waitFor(() => events('device_down').length > 0, 'a device_down event after the silence', 30_000);
      expect(events('device_down')[0]?.reason).toMatch(/^silent for 10 s, since 20\d\d-/);
      expect(agent.status().devices?.['pm-1']).toMatchObject({ state: 'down' });
      expect(sample(await scrape(), 'tidegate_device_up', 'device="pm-1"')).toBe(0);
      expect(
        sample(await scrape(), 'tidegate_driver_total', 'device="pm-1",counter="port_bytes_read"'),
      ).toBeGreaterThanOrEqual(20 * 10); // 20 frames of 10 bytes

      // Garbage (no 0xAA frame head): rejections are counted and reported while it streams.
      const line = await open(pty().b, 'w');
      const rejected = async () =>
        sample(await scrape(), 'tidegate_frames_rejected_total', 'device="pm-1",reason="garbage"');
      let streaming = true;
      const garbage = (async () => {
        while (streaming) {
          await line.write(Buffer.from(Array.from({ length: 256 }, (_, i) => (i * 7 + 1) % 0xaa)));
          await pause(20);
        }
      })();
      try {
        await waitFor(async () => (await rejected()) > 0, 'garbage rejections while it streams', 30_000);
        const before = await rejected();
        await waitFor(async () => (await rejected()) > before, 'the count to grow while garbage streams', 30_000);
        await waitFor(
          () => events('frame_rejected').length > 0,
          'a frame_rejected event while garbage streams',
          30_000,
        );
        expect(events('frame_rejected')[0]?.reason).toMatch(/^garbage: /);
        expect(agent.status().devices?.['pm-1']?.state).toBe('down'); // garbage is no sign of life
      } finally {
        streaming = false;
        await garbage;
        await line.close();
      }

      const second = simulate(5);
      await waitFor(() => events('device_up').length > 0, 'device_up at the next good frame', 30_000);
      expect(agent.status().devices?.['pm-1']?.state).toBe('up');
      await second.stop();
    } finally {
      await agent.stop();
      await aedes.stop();
    }
  });
});
