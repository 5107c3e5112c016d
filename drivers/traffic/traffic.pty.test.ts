import { describe, expect, it } from 'vitest';
import { usePtyPair, waitFor } from '../../tests/harness/index.js';
import { createDriverRuntime } from '../runtime.js';
import { decodeCapture } from '../serial/capture.js';
import { recordingSink } from '../serial/recording-sink.js';
import { decoder } from './decoder.js';
import { driver } from './driver.js';
import { runTrafficSimulator, vehicleLine } from './simulator.js';

/** End to end over a socat PTY pair: the simulated counter prints vehicles, the driver aggregates them. */
describe('traffic driver ⇄ simulated counter over a PTY pair', () => {
  const pty = usePtyPair();

  it('aggregates every whole vehicle line per period, lane, direction and class; counts the bad ones', async () => {
    // Device time far from the gateway's clock, so only vehicles close the periods (not the grace timer).
    const profile = { lanes: 2, startMs: Date.UTC(2030, 0, 1, 8), timeStepMs: 6_000 };
    const sink = recordingSink();
    const handle = await driver.open(driver.options.parse({ port: pty().a, period: '6m', graceS: 3600 }), {
      deviceId: 'road-d937',
      sink,
      runtime: createDriverRuntime(),
      signal: new AbortController().signal,
    });
    const count = 150; // 15 minutes of device time: two whole 6-minute periods and an open third
    const stats = await runTrafficSimulator(
      {
        port: pty().b,
        baudRate: 9600,
        intervalMs: 2,
        count,
        faults: { every: 5, kinds: ['checksum', 'truncated', 'garbage', 'silence'], silenceMs: 50 },
      },
      profile,
      new AbortController().signal,
    );
    expect(stats).toEqual({ good: 134, checksum: 8, truncated: 8, garbage: 7, silence: 7 });

    // What the two whole periods must hold: the good lines alone, through the pure decoder.
    const goodNumbers = Array.from({ length: count }, (_, i) => i + 1).filter((n) => n % 20 !== 5 && n % 20 !== 10);
    const goodLines = goodNumbers.map((n) => vehicleLine(profile, n)).join('');
    const expected = decodeCapture(decoder, Buffer.from(goodLines)).readings.filter(
      (r) => r.time < BigInt(profile.startMs + 12 * 60_000) * 1_000_000n,
    );
    try {
      await waitFor(() => sink.readings.length >= expected.length, 'the two whole periods', 20_000);
      expect(sink.readings).toEqual(expected);
      const vehicles = sink.readings.reduce((sum, r) => sum + Number(r.fields.count), 0);
      // Vehicle n is dated (n - 1) × 6 s: from n = 121 on, the third period, still open.
      expect(vehicles).toBe(goodNumbers.filter((n) => n < 121).length);
      expect(sink.readings.some((r) => r.tags.direction === 'reverse')).toBe(true);
      expect(sink.rejectedBy('malformed')).toBe(stats.checksum);
      expect(sink.rejectedBy('garbage')).toBe(stats.garbage);
    } finally {
      await handle.close();
    }
    // The last line was cut: the close reveals it.
    expect(sink.rejectedBy('truncated')).toBe(stats.truncated);
    // Closing mid-period does not send a partial count (it would overwrite the whole one later): it is counted lost.
    expect(sink.rejections.filter((r) => r.reason === 'unfinished').map((r) => r.detail)).toEqual([
      `${goodNumbers.filter((n) => n >= 121).length} vehicles of the period from 2030-01-01T08:12:00.000Z not sent: closed before it ended`,
    ]);
  });
});
