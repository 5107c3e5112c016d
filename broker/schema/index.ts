import { quoteIdent } from '../influxdb/influxql.js';
import { ensureContinuousQueries } from './continuous-queries.js';
import { type InfluxConnection, query } from './http.js';
import { DEFAULT_RETENTION, ensureRetentionPolicies, type RetentionDurations } from './retention.js';

/**
 * The InfluxDB schema tidegate writes into: the database, its retention policies (raw readings by default,
 * hourly and daily rollups kept longer) and the continuous queries that fill the rollups. `ensureSchema` is
 * idempotent: the ingestor runs it at start and `tidegate influx setup` runs it by hand. docs/data.md is the
 * analysts' reference of what it makes.
 */
export interface SchemaOptions extends InfluxConnection {
  /** Retention durations (InfluxQL, e.g. 90d, 104w, INF); the defaults are 90d raw, 104w hourly, INF daily. */
  retention?: Partial<RetentionDurations>;
  /** false: only create the database and its retention policies, no continuous queries. */
  rollups?: boolean;
}

export interface SchemaReport {
  retentionPolicies: { created: string[]; altered: string[] };
  continuousQueries: { created: string[]; replaced: string[] };
}

export async function ensureSchema(options: SchemaOptions): Promise<SchemaReport> {
  await query(options, `CREATE DATABASE ${quoteIdent(options.database)}`, { database: null });
  const retentionPolicies = await ensureRetentionPolicies(options, { ...DEFAULT_RETENTION, ...options.retention });
  const continuousQueries =
    options.rollups === false ? { created: [], replaced: [] } : await ensureContinuousQueries(options);
  return { retentionPolicies, continuousQueries };
}

export { type BackfillRange, backfillRollups } from './backfill.js';
export { type InfluxConnection, InfluxError, query, queryRows, writeLines } from './http.js';
export { DEFAULT_RETENTION, durationNs, type RetentionDurations } from './retention.js';
export { ROLLUP_LEVELS, ROLLUPS, type RollupDefinition, type RollupLevelName } from './rollups.js';
