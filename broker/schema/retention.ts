import { quoteIdent } from '../influxdb/influxql.js';
import { type InfluxConnection, query } from './http.js';

/** Retention policies: raw readings (the database's default), then hourly and daily rollups kept longer. */
export interface RetentionDurations {
  /** InfluxQL duration or INF; default 90d. */
  raw: string;
  /** Default 104w (two years). */
  hourly: string;
  /** Default INF (kept forever). */
  daily: string;
}

export const DEFAULT_RETENTION: RetentionDurations = { raw: '90d', hourly: '104w', daily: 'INF' };

const DURATION = /^(?:INF|(?:\d+(?:ns|us|µs|u|ms|s|m|h|d|w))+)$/i;
const UNIT_NS: Record<string, bigint> = {
  ns: 1n,
  u: 1_000n,
  us: 1_000n,
  µs: 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
  d: 86_400_000_000_000n,
  w: 604_800_000_000_000n,
};

/** Nanoseconds of an InfluxQL duration (0 for INF, as InfluxDB reports it); throws naming the key. */
export function durationNs(text: string, key = 'duration'): bigint {
  if (!DURATION.test(text)) throw new Error(`${key}: "${text}" is not an InfluxQL duration (e.g. 90d, 104w, 36h, INF)`);
  if (/^INF$/i.test(text)) return 0n;
  let total = 0n;
  for (const [, n, unit] of text.matchAll(/(\d+)(ns|us|µs|u|ms|s|m|h|d|w)/g)) total += BigInt(n!) * UNIT_NS[unit!]!;
  return total;
}

/** InfluxDB's SHOW RETENTION POLICIES duration text ("2160h0m0s", "0s") in nanoseconds. */
function shownDurationNs(text: string): bigint {
  let total = 0n;
  for (const [, n, unit] of text.matchAll(/(\d+)(h|m|s)/g)) total += BigInt(n!) * UNIT_NS[unit!]!;
  return total;
}

/** Creates or alters `raw` (default), `hourly` and `daily` to the given durations; a no-op when they match. */
export async function ensureRetentionPolicies(
  connection: InfluxConnection,
  durations: RetentionDurations,
): Promise<{ created: string[]; altered: string[] }> {
  const wanted = [
    { name: 'raw', duration: durations.raw, isDefault: true },
    { name: 'hourly', duration: durations.hourly, isDefault: false },
    { name: 'daily', duration: durations.daily, isDefault: false },
  ];
  for (const rp of wanted) durationNs(rp.duration, `retention.${rp.name}`);
  const db = quoteIdent(connection.database);
  const [shown] = await query(connection, `SHOW RETENTION POLICIES ON ${db}`, { database: null });
  const columns = shown?.series?.[0]?.columns ?? [];
  const existing = new Map(
    (shown?.series?.[0]?.values ?? []).map((v) => {
      const row = Object.fromEntries(columns.map((c, i) => [c, v[i]]));
      return [
        row.name as string,
        { durationNs: shownDurationNs(row.duration as string), isDefault: row.default === true },
      ];
    }),
  );
  const created: string[] = [];
  const altered: string[] = [];
  for (const rp of wanted) {
    const clause = `DURATION ${rp.duration} REPLICATION 1${rp.isDefault ? ' DEFAULT' : ''}`;
    const have = existing.get(rp.name);
    if (!have) {
      await query(connection, `CREATE RETENTION POLICY ${quoteIdent(rp.name)} ON ${db} ${clause}`, { database: null });
      created.push(rp.name);
    } else if (have.durationNs !== durationNs(rp.duration) || (rp.isDefault && !have.isDefault)) {
      await query(connection, `ALTER RETENTION POLICY ${quoteIdent(rp.name)} ON ${db} ${clause}`, { database: null });
      altered.push(rp.name);
    }
  }
  return { created, altered };
}
