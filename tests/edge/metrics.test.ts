import { afterAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import type { DriverModule } from '../../drivers/driver.js';
import { startAgent } from '../../edge/agent/agent.js';
import { testConfig, testConfigYaml } from '../../edge/testing/agent-config.js';
import { counterDriver } from '../../edge/testing/counter-driver.js';
import { removeTempDir, startAedes, tempDir, waitFor } from '../harness/index.js';
import { BrokerRecorder } from './recorder.js';

/** A polled device whose every other poll fails, as a device that answers only now and then. */
const flakyDriver: DriverModule = {
  driver: {
    name: 'flaky',
    description: 'test: fails every other poll',
    mode: 'poll',
    options: z.strictObject({}),
    example: {},
    resources: () => [],
    emits: () => [], // its `flaky` measurement is a test fixture, outside the catalogue
    async open(_o: unknown, { sink }: { sink: import('../../drivers/driver.js').DeviceSink }) {
      let n = 0;
      return {
        async poll() {
          if (n++ % 2 === 1) throw new Error('no answer (test)');
          const reading = {
            measurement: 'flaky',
            tags: {},
            fields: { n: BigInt(n) },
            time: BigInt(Date.now()) * 1_000_000n,
          };
          sink.reading(reading);
          return [reading];
        },
        close: async () => {},
      };
    },
  } as never,
};

/** One sample of a metric in Prometheus text (the first that matches the labels), NaN when absent. */
function sample(text: string, name: string, labels = ''): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ''} `));
  return line ? Number(line.split(' ').at(-1)) : Number.NaN;
}

describe('edge /metrics and /health tell the truth', () => {
  const dir = tempDir();
  afterAll(() => removeTempDir(dir));

  it('after real publishes and poll failures, and while the broker is away', async () => {
    const drivers = new Map<string, DriverModule>([
      ['counter', counterDriver()],
      ['flaky', flakyDriver],
    ]);
    const aedes = await startAedes();
    const recorder = new BrokerRecorder(aedes);
    const loaded = await testConfig(
      testConfigYaml({
        dir,
        url: aedes.url,
        devices: ['{ id: c1, driver: counter, periodMs: 20 }', '{ id: f1, driver: flaky, every: 100ms }'],
      }),
      drivers,
    );
    const agent = await startAgent(loaded, { drivers });
    const scrape = async () => (await fetch(`http://127.0.0.1:${agent.healthPort}/metrics`)).text();
    const health = async () => {
      const res = await fetch(`http://127.0.0.1:${agent.healthPort}/health`);
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    try {
      await waitFor(() => (recorder.lines.get('c1')?.length ?? 0) >= 20, 'published readings');
      await waitFor(
        async () => sample(await scrape(), 'tidegate_poll_errors_total', 'device="f1"') >= 2,
        'poll errors',
      );
      const text = await scrape();
      expect(sample(text, 'tidegate_broker_connected')).toBe(1);
      const lastPublish = sample(text, 'tidegate_last_publish_timestamp_seconds');
      expect(lastPublish).toBeGreaterThan(Date.now() / 1000 - 60);
      expect(lastPublish).toBeLessThanOrEqual(Date.now() / 1000);
      expect(sample(text, 'tidegate_readings_published_total', 'device="c1"')).toBeGreaterThanOrEqual(20);
      expect(sample(text, 'tidegate_privacy_total', 'counter="readings_in"')).toBeGreaterThanOrEqual(20);
      expect(sample(text, 'tidegate_events_dropped_offline_total')).toBe(0);
      // A failed poll is a down device, with the reason; the next good poll brings it up.
      expect(agent.status().devices?.f1?.lastError).toBe('poll failed: no answer (test)');
      await waitFor(() => recorder.events.some((e) => e.type === 'device_up' && e.device === 'f1'), 'f1 up again');
      expect(recorder.events.find((e) => e.type === 'device_down' && e.device === 'f1')).toMatchObject({
        reason: 'poll failed: no answer (test)',
      });
      const online = await health();
      expect(online.status).toBe(200);
      expect(online.body).toMatchObject({ ok: true, state: 'online', problems: [] });

      await aedes.stop();
      await waitFor(async () => (await health()).status === 503, 'health to report the broker gone');
      const offline = await health();
      expect(offline.body).toMatchObject({ ok: false, state: 'degraded', broker: { connected: false } });
      expect((offline.body.problems as string[])[0]).toMatch(/^broker mqtt:\/\/127\.0\.0\.1:\d+ unreachable since 20/);
      expect(sample(await scrape(), 'tidegate_broker_connected')).toBe(0);

      await recorder.restart();
      await waitFor(async () => (await health()).status === 200, 'health back to ok');
    } finally {
      await agent.stop();
      await aedes.stop();
    }
  });
});
