import type { LocalClock } from './local-time.js';

/** The aggregated granularities a citizen can consent to. */
export type Granularity = 'daily' | 'half-hourly';

export interface Period {
  start: bigint;
  end: bigint;
}

const HALF_HOUR_MS = 30 * 60_000;
const NS_PER_MS = 1_000_000n;

/** The period of a granularity that holds an instant: a local day, or a local half-hour. */
export function periodOf(granularity: Granularity, ns: bigint, clock: LocalClock): Period {
  if (granularity === 'daily') return { start: clock.dayStart(ns), end: clock.nextDayStart(ns) };
  const ms = Number(ns / NS_PER_MS);
  const offset = clock.offsetMs(ms);
  const startMs = Math.floor((ms + offset) / HALF_HOUR_MS) * HALF_HOUR_MS - offset;
  // The offset may differ on either side of a DST change; whole- and half-hour offsets keep the grid.
  const start = BigInt(startMs > ms ? startMs - HALF_HOUR_MS : startMs) * NS_PER_MS;
  return { start, end: start + BigInt(HALF_HOUR_MS) * NS_PER_MS };
}
