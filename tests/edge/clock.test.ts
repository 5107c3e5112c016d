import { afterAll, describe, expect, it } from 'vitest';
import { startAgent } from '../../edge/agent/agent.js';
import type { Clock } from '../../edge/clock/clock.js';
import { testConfig, testConfigYaml } from '../../edge/testing/agent-config.js';
import { testDrivers } from '../../edge/testing/counter-driver.js';
import { removeTempDir, startAedes, tempDir, waitFor } from '../harness/index.js';
import { BrokerRecorder, range } from './recorder.js';

/** A gateway without RTC: boots on 1970-01-11 until "NTP" sets the clock. */
function bootIn1970() {
  let offsetNs = -(BigInt(Date.now()) * 1_000_000n) + 10n * 86_400n * 1_000_000_000n;
  let synced = false;
  const clock: Clock = {
    wallNs: () => BigInt(Date.now()) * 1_000_000n + offsetNs,
    monoNs: () => process.hrtime.bigint(),
    bootId: 'test-boot',
    externallySynced: async () => synced,
  };
  return {
    clock,
    setByNtp() {
      offsetNs = 0n;
      synced = true;
    },
  };
}

describe('edge agent on a gateway whose clock is not set', () => {
  const dir = tempDir();
  afterAll(() => removeTempDir(dir));

  it('holds readings until the clock is known, then publishes them re-stamped, never in 1970', async () => {
    const { clock, setByNtp } = bootIn1970();
    const drivers = testDrivers(() => clock.wallNs());
    const aedes = await startAedes();
    const recorder = new BrokerRecorder(aedes);
    const loaded = await testConfig(
      testConfigYaml({ dir, url: aedes.url, devices: ['{ id: c1, driver: counter, periodMs: 10, limit: 300 }'] }),
      drivers,
    );
    const agent = await startAgent(loaded, { drivers, clock, clockCheckMs: 100 });
    try {
      await waitFor(() => (agent.status().devices?.c1?.readings ?? 0) >= 100, 'readings while the clock is wrong');
      agent.flush();
      expect(agent.status().clockSynced).toBe(false);
      expect(recorder.lines.get('c1')).toBeUndefined();
      expect(agent.buffer.backlog().rows).toBeGreaterThanOrEqual(100);
      await waitFor(
        () => recorder.statuses.some((s) => s.clockSynced === false),
        'a status saying the clock is not set',
      );

      const setAt = BigInt(Date.now()) * 1_000_000n;
      setByNtp();
      await waitFor(() => recorder.distinct('c1').length === 300, 'every reading once the clock is set', 30_000);
      expect(recorder.seqs('c1')).toEqual(range(300));
      const times = recorder.distinct('c1').map((l) => BigInt(l.slice(l.lastIndexOf(' ') + 1)));
      const year2024 = BigInt(Date.UTC(2024, 0, 1)) * 1_000_000n;
      expect(times.every((t) => t > year2024)).toBe(true);
      expect(times).toEqual([...times].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
      // Re-stamped from the monotonic clock: the held readings were taken in the seconds before the set.
      const held = times.filter((t) => t < setAt);
      expect(held.length).toBeGreaterThanOrEqual(100);
      expect(setAt - held[0]!).toBeLessThan(120n * 1_000_000_000n);
      expect(recorder.events.some((e) => e.type === 'clock_synced' && (e.count as number) >= 100)).toBe(true);
    } finally {
      await agent.stop();
      await aedes.stop();
    }
  });
});
