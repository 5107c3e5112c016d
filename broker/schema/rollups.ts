import { quoteIdent } from '../influxdb/influxql.js';

/**
 * What each rollup keeps of each measurement. Aggregates are written under InfluxDB's own naming,
 * `<function>_<field>` (mean_pm2_5_ugm3, sum_count, last_energy_import_wh), which is also what a regex or
 * wildcard selection produces, so fields that appear later (a new tariff index, a third phase) are rolled
 * up without a schema change. docs/data.md explains the choice per field.
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

/** Instantaneous electrical quantities: a mean and its extremes make sense. */
const ELECTRIC_GAUGES = '/^(active_power|apparent_power|reactive_power|voltage|current|frequency|power_factor)/';
/** Cumulative energy indexes (Wh; kWh in self-data aggregates): the index at the end of the period and its maximum. */
const ENERGY_INDEXES = '/^energy_.+_k?wh$/';
/** Energy of a period and sample counts (self-data aggregates, docs/privacy.md): they add up. */
const ENERGY_AMOUNTS = '/^(energy_wh|period_energy_.+_wh|samples)$/';
/** Means of a period (self-data half-hourly aggregates): averaged again. */
const PERIOD_MEANS = '/^mean_.+_(w|va)$/';

export const ROLLUPS: RollupDefinition[] = [
  {
    measurement: 'air_quality',
    source: 'raw',
    // Every air-quality field is a gauge (concentration, temperature, humidity).
    select: 'mean(*), min(*), max(*)',
    levels: ['hourly', 'daily'],
  },
  {
    measurement: 'electricity',
    source: 'raw',
    select:
      `mean(${ELECTRIC_GAUGES}), min(${ELECTRIC_GAUGES}), max(${ELECTRIC_GAUGES}), last(${ENERGY_INDEXES}), ` +
      `max(${ENERGY_INDEXES}), sum(${ENERGY_AMOUNTS}), mean(${PERIOD_MEANS})`,
    levels: ['hourly', 'daily'],
  },
  {
    measurement: 'traffic',
    source: 'raw',
    // Counts and covered seconds add up; rates and ratios are averaged over the periods; peaks kept.
    select:
      'sum(/^(count|period_s)$/), mean(/^(flow_veh_h|mean_speed_kmh|mean_length_m|occupancy_pct)$/), max(/^(flow_veh_h|occupancy_pct)$/)',
    levels: ['hourly', 'daily'],
  },
  {
    measurement: 'carbon',
    source: 'hourly',
    select: 'sum(/^(energy_wh|unattributed_wh|co2e_kg|vehicles|vehicle_km)$/)',
    levels: ['daily'],
  },
];

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
