import { afterAll, describe, expect, it } from 'vitest';
import { startAgent } from '../../edge/agent/agent.js';
import { testConfig, testConfigYaml } from '../../edge/testing/agent-config.js';
import { testDrivers } from '../../edge/testing/counter-driver.js';
import { removeTempDir, startAedes, tempDir, waitFor } from '../harness/index.js';
import { BrokerRecorder } from './recorder.js';

describe('edge agent with a full buffer', () => {
  const dir = tempDir();
  afterAll(() => removeTempDir(dir));

  it('drops the oldest readings, reports the count as an event and keeps running', async () => {
    const drivers = testDrivers();
    const aedes = await startAedes();
    await aedes.stop(); // the broker is down from the start: everything piles up in the buffer
    const loaded = await testConfig(
      testConfigYaml({
        dir,
        url: aedes.url,
        devices: ['{ id: c1, driver: counter, periodMs: 5 }'],
        buffer: 'maxBytes: 20KiB',
      }),
      drivers,
    );
    const agent = await startAgent(loaded, { drivers });
    try {
      const dropped = async () => {
        const metric = await agent.metrics.dropped.get();
        return metric.values.reduce((n, v) => n + v.value, 0);
      };
      await waitFor(async () => (await dropped()) > 100, 'readings dropped by the cap', 30_000);
      expect(agent.buffer.backlog().bytes).toBeLessThanOrEqual(20 * 1024);

      const health = await fetch(`http://127.0.0.1:${agent.healthPort}/health`);
      expect(health.status).toBe(503); // degraded: reading and buffering, but nothing leaves
      const body = (await health.json()) as {
        state: string;
        bufferDroppedTotal: number;
        broker: { connected: boolean };
      };
      expect(body.state).toBe('degraded');
      expect(body.bufferDroppedTotal).toBeGreaterThan(100);
      expect(body.broker.connected).toBe(false);
      const metrics = await (await fetch(`http://127.0.0.1:${agent.healthPort}/metrics`)).text();
      expect(metrics).toMatch(/tidegate_readings_dropped_total\{device="c1",reason="buffer_full"\} \d+/);

      const recorder = new BrokerRecorder(aedes);
      await recorder.restart();
      await waitFor(() => recorder.events.some((e) => e.type === 'buffer_dropped'), 'a buffer_dropped event', 30_000);
      const event = recorder.events.find((e) => e.type === 'buffer_dropped')!;
      expect(event).toMatchObject({ gateway: 'gw-test', device: 'c1' });
      expect(event.count).toBeGreaterThan(0);
      // Still running: readings produced after the broker came back arrive, newest included.
      const produced = agent.status().devices?.c1?.readings ?? 0;
      await waitFor(() => recorder.seqs('c1').includes(produced + 50), 'fresh readings after the drops', 30_000);
      const seqs = recorder.seqs('c1');
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b)); // what survived, in order
      expect(seqs[0]).toBeGreaterThan(0); // the oldest were the ones dropped
    } finally {
      await agent.stop();
      await aedes.stop();
    }
  });
});
