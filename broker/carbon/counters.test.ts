import { describe, expect, it } from 'vitest';
import { energyPerPeriod } from './counters.js';

const MIN = 60_000_000_000n;
const HOUR = 60n * MIN;
const s = (minutes: number, value: number) => ({ timeNs: BigInt(minutes) * MIN, value });

describe('energyPerPeriod', () => {
  it('spreads a difference over the hours its interval covers, in proportion to time', () => {
    const out = energyPerPeriod([s(30, 1000), s(90, 1120)], { periodNs: HOUR, maxGapNs: 2n * HOUR });
    expect([...out.values()]).toEqual([
      { startNs: 0n, energyWh: 60, unattributedWh: 0, resets: 0 },
      { startNs: HOUR, energyWh: 60, unattributedWh: 0, resets: 0 },
    ]);
  });

  it('counts a drop as a reset that starts a new counter from the new value, with no energy for that interval', () => {
    const out = energyPerPeriod([s(0, 500), s(30, 600), s(60, 10), s(90, 40)], { periodNs: HOUR, maxGapNs: 2n * HOUR });
    expect(out.get(0n)).toMatchObject({ energyWh: 100, resets: 0 });
    expect(out.get(HOUR)).toMatchObject({ energyWh: 30, resets: 1 });
  });

  it('attributes nothing across a gap longer than maxGap, and reports the difference where the gap ends', () => {
    const out = energyPerPeriod([s(0, 0), s(30, 50), s(300, 450), s(330, 470)], {
      periodNs: HOUR,
      maxGapNs: 2n * HOUR,
    });
    expect([...out.keys()]).toEqual([0n, 5n * HOUR]);
    expect(out.get(0n)).toMatchObject({ energyWh: 50, unattributedWh: 0 });
    expect(out.get(5n * HOUR)).toMatchObject({ energyWh: 20, unattributedWh: 400 });
  });

  it('gives 0 Wh, not nothing, to an hour with readings and no consumption; skips repeated timestamps', () => {
    const out = energyPerPeriod([s(0, 7), s(0, 7), s(30, 7), s(59, 7)], { periodNs: HOUR, maxGapNs: HOUR });
    expect(out.get(0n)).toEqual({ startNs: 0n, energyWh: 0, unattributedWh: 0, resets: 0 });
  });
});
