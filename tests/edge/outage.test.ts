import { afterAll, describe, expect, it } from 'vitest';
import { startAgent } from '../../edge/agent/agent.js';
import { testConfig, testConfigYaml } from '../../edge/testing/agent-config.js';
import { testDrivers } from '../../edge/testing/counter-driver.js';
import { removeTempDir, startAedes, tempDir, useInflux, waitFor } from '../harness/index.js';
import { BrokerRecorder, range } from './recorder.js';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('edge agent through broker outages', () => {
  const dir = tempDir();
  afterAll(() => removeTempDir(dir));
  const influx = useInflux();

  it('delivers every reading exactly once in content, in order per device, across several restarts', async () => {
    const drivers = testDrivers();
    const aedes = await startAedes();
    const recorder = new BrokerRecorder(aedes);
    const perDevice = 400;
    const loaded = await testConfig(
      testConfigYaml({
        dir,
        url: aedes.url,
        devices: [
          `{ id: c1, driver: counter, periodMs: 10, limit: ${perDevice} }`,
          `{ id: c2, driver: counter, periodMs: 15, limit: ${perDevice} }`,
        ],
      }),
      drivers,
    );
    const agent = await startAgent(loaded, { drivers });
    try {
      for (let outage = 0; outage < 3; outage++) {
        await waitFor(() => (recorder.lines.get('c1')?.length ?? 0) > (outage + 1) * 40, 'readings before an outage');
        await aedes.stop();
        await pause(700);
        await recorder.restart();
      }
      await waitFor(
        () => recorder.distinct('c1').length === perDevice && recorder.distinct('c2').length === perDevice,
        'every reading at the broker',
        60_000,
      );
      for (const device of ['c1', 'c2']) {
        expect(recorder.seqs(device)).toEqual(range(perDevice));
        expect(recorder.distinct(device).every((l) => / \d{19}$/.test(l))).toBe(true);
      }
      await waitFor(() => agent.buffer.backlog().rows === 0, 'the buffer to empty', 30_000);
      const replayed = (recorder.messages.get('c1') ?? 0) < (recorder.lines.get('c1')?.length ?? 0);
      expect(replayed).toBe(true); // the backlog after an outage went as several lines per message

      // Everything the broker got, duplicates included, written to a real InfluxDB: one point per reading.
      await influx().createDatabase('edge');
      for (const device of ['c1', 'c2']) {
        const written = await influx().write('edge', (recorder.lines.get(device) ?? []).join('\n'));
        expect(written.status).toBe(204);
      }
      const result = await influx().query('SELECT count(seq) FROM counter GROUP BY sensor', 'edge');
      const series = result.results[0]?.series ?? [];
      expect(series.map((s) => [s.tags?.sensor, s.values[0]?.[1]])).toEqual([
        ['c1', perDevice],
        ['c2', perDevice],
      ]);
    } finally {
      await agent.stop();
      await aedes.stop();
    }
    const last = recorder.statuses.at(-1);
    expect(last?.state).toBe('offline');
  });
});
