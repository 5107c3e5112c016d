import { quoteIdent } from '../influxdb/influxql.js';
import { type InfluxConnection, InfluxError, query } from './http.js';
import { continuousQueryName, continuousQueryStatement, ROLLUP_LEVELS, ROLLUPS } from './rollups.js';

/**
 * Creates the rollup continuous queries. InfluxDB accepts a CREATE of an existing CQ whose text is the same
 * and refuses one whose text differs ("continuous query already exists"): that one is dropped and created
 * again, so a changed rollup reaches databases made by an older version.
 */
export async function ensureContinuousQueries(
  connection: InfluxConnection,
): Promise<{ created: string[]; replaced: string[] }> {
  const db = connection.database;
  const [shown] = await query(connection, 'SHOW CONTINUOUS QUERIES', { database: null });
  const existing = new Set(
    (shown?.series ?? []).filter((s) => s.name === db).flatMap((s) => (s.values ?? []).map((v) => String(v[0]))),
  );
  const created: string[] = [];
  const replaced: string[] = [];
  for (const rollup of ROLLUPS) {
    for (const levelName of rollup.levels) {
      const level = ROLLUP_LEVELS[levelName];
      const name = continuousQueryName(rollup, level);
      const statement = continuousQueryStatement(db, rollup, level);
      try {
        await query(connection, statement, { database: null });
        if (!existing.has(name)) created.push(name);
      } catch (e) {
        if (!(e instanceof InfluxError && /already exists/.test(e.reason))) throw e;
        await query(connection, `DROP CONTINUOUS QUERY ${quoteIdent(name)} ON ${quoteIdent(db)}`, { database: null });
        await query(connection, statement, { database: null });
        replaced.push(name);
      }
    }
  }
  return { created, replaced };
}
