import { type InfluxConnection, InfluxError, type QueryResult, query } from './http.js';
import { ROLLUP_LEVELS, ROLLUPS, type RollupLevelName, rollupSelect } from './rollups.js';

export interface BackfillRange {
  /** Inclusive start, nanoseconds since the epoch (rounded down to the rollup step). */
  fromNs: bigint;
  /** Exclusive end, nanoseconds (rounded up to the rollup step). */
  toNs: bigint;
  /** Only these measurements; all rolled-up measurements when omitted. */
  measurements?: string[];
  /** Only these levels; hourly then daily when omitted (daily carbon reads hourly carbon). */
  levels?: RollupLevelName[];
}

/** Each SELECT … INTO covers at most this much time, so a year's backfill never makes one huge query. */
const SLICE_NS = 7n * 86_400_000_000_000n;

/**
 * Runs the rollups' SELECT … INTO over an explicit range: continuous queries only ever look at recent time,
 * so data replayed late by a gateway, or imported, is rolled up with this. Rewriting a period gives the same
 * points (same series and timestamps), so backfilling twice is harmless.
 */
export async function backfillRollups(
  connection: InfluxConnection,
  range: BackfillRange,
): Promise<{ statements: number; pointsWritten: number }> {
  let statements = 0;
  let pointsWritten = 0;
  for (const levelName of range.levels ?? (['hourly', 'daily'] as const)) {
    const level = ROLLUP_LEVELS[levelName];
    const from = floorTo(range.fromNs, level.everyNs);
    const to = ceilTo(range.toNs, level.everyNs);
    for (const rollup of ROLLUPS) {
      if (!rollup.levels.includes(levelName)) continue;
      if (range.measurements && !range.measurements.includes(rollup.measurement)) continue;
      for (let start = from; start < to; start += SLICE_NS) {
        const end = start + SLICE_NS < to ? start + SLICE_NS : to;
        const [result] = await selectInto(
          connection,
          rollupSelect(connection.database, rollup, level, { fromNs: start, toNs: end }),
        );
        statements++;
        const written = result?.series?.[0]?.values?.[0]?.[1];
        pointsWritten += Number(written ?? 0);
      }
    }
  }
  return { statements, pointsWritten };
}

export function floorTo(ns: bigint, step: bigint): bigint {
  const r = ns % step;
  return r < 0n ? ns - r - step : ns - r;
}

export function ceilTo(ns: bigint, step: bigint): bigint {
  const f = floorTo(ns, step);
  return f === ns ? ns : f + step;
}

/**
 * InfluxDB 1.6 can answer a SELECT … INTO with "write failed" when a continuous query writes into the same
 * new shard at that moment (seen on a fresh database, when the CQs first run). The statement only rewrites
 * the same points, so it is retried a few times.
 */
async function selectInto(connection: InfluxConnection, statement: string): Promise<QueryResult[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await query(connection, statement);
    } catch (e) {
      if (!(e instanceof InfluxError && e.reason === 'write failed') || attempt >= 5) throw e;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
}
