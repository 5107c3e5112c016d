import {
  MEASUREMENTS,
  type MeasurementSpec,
  type RollupFunction,
  rollupFunctionsOf,
} from '../../wire/catalogue/index.js';
import { quoteIdent } from '../influxdb/influxql.js';

/**
 * What each rollup keeps of each measurement, derived from the measurement catalogue (wire/catalogue):
 * gauges get mean/min/max, cumulative counters last/max, amounts sum. Aggregates are written under
 * InfluxDB's own naming, `<function>_<field>` (mean_pm2_5_ugm3, sum_count, last_energy_import_wh), which is
 * what a regex selection produces. docs/data.md lists the result per field.
 */
export interface RollupDefinition {
  measurement: string;
  /** The retention policy the rollup reads from: `raw`, except for `carbon`, which is written hourly. */
  source: 'raw' | 'hourly';
  /** The select list, InfluxQL. */
  select: string;
  /** Levels this measurement is rolled up to. */
  levels: RollupLevelName[];
}

export type RollupLevelName = 'hourly' | 'daily';

export interface RollupLevel {
  name: RollupLevelName;
  /** GROUP BY time() step, InfluxQL duration. */
  every: string;
  everyNs: bigint;
  /** How often the continuous query runs and how far back it recomputes (late data from replaying gateways). */
  resampleEvery: string;
  resampleFor: string;
}

const HOUR_NS = 3_600_000_000_000n;

export const ROLLUP_LEVELS: Record<RollupLevelName, RollupLevel> = {
  hourly: { name: 'hourly', every: '1h', everyNs: HOUR_NS, resampleEvery: '15m', resampleFor: '3h' },
  daily: { name: 'daily', every: '1d', everyNs: 24n * HOUR_NS, resampleEvery: '1h', resampleFor: '2d' },
};

const FUNCTION_ORDER: readonly RollupFunction[] = ['mean', 'min', 'max', 'last', 'sum'];

/**
 * The select list of a measurement, from the catalogue: one regex per function over the fields whose
 * kind (or own `rollup`) asks for it. A family (`energy_<tariff>_wh`) is its pattern, so a new tariff index
 * or phase is rolled up without a schema change; a field missing from the catalogue gets no rollup, which
 * is why the driver conformance test checks every emitted field is catalogued.
 */
export function rollupSelectList(spec: MeasurementSpec): string {
  const parts: string[] = [];
  for (const fn of FUNCTION_ORDER) {
    const names = spec.fields.filter((f) => rollupFunctionsOf(f).includes(fn)).map((f) => f.pattern ?? f.name);
    if (names.length) parts.push(`${fn}(/^(${names.join('|')})$/)`);
  }
  return parts.join(', ');
}

export const ROLLUPS: RollupDefinition[] = MEASUREMENTS.filter((m) => m.rollup.levels.length > 0).map((m) => ({
  measurement: m.name,
  source: m.rollup.source,
  select: rollupSelectList(m),
  levels: [...m.rollup.levels],
}));

/** The SELECT … INTO of one rollup, optionally limited to [fromNs, toNs). */
export function rollupSelect(
  database: string,
  rollup: RollupDefinition,
  level: RollupLevel,
  range?: { fromNs: bigint; toNs: bigint },
): string {
  const db = quoteIdent(database);
  const m = quoteIdent(rollup.measurement);
  const where = range ? ` WHERE time >= ${range.fromNs} AND time < ${range.toNs}` : '';
  return (
    `SELECT ${rollup.select} INTO ${db}.${quoteIdent(level.name)}.${m} FROM ${db}.${quoteIdent(rollup.source)}.${m}` +
    `${where} GROUP BY time(${level.every}), * fill(none)`
  );
}

export function continuousQueryName(rollup: RollupDefinition, level: RollupLevel): string {
  return `cq_${level.name}_${rollup.measurement}`;
}

export function continuousQueryStatement(database: string, rollup: RollupDefinition, level: RollupLevel): string {
  return (
    `CREATE CONTINUOUS QUERY ${quoteIdent(continuousQueryName(rollup, level))} ON ${quoteIdent(database)} ` +
    `RESAMPLE EVERY ${level.resampleEvery} FOR ${level.resampleFor} BEGIN ${rollupSelect(database, rollup, level)} END`
  );
}
