import { quoteIdent, quoteString } from '../../influxdb/influxql.js';
import type { QueryResult } from '../../schema/http.js';
import { ROLLUPS } from '../../schema/rollups.js';
import {
  type HistoryRange,
  type HistoryResponse,
  type HistorySeries,
  type LastReading,
  PLACE_TAGS,
} from '../feed/history.js';

/**
 * The InfluxQL behind a history request. Recent ranges read the raw readings as per-bucket means
 * (a chart has a few hundred pixels: 360 buckets of 10 s for an hour, 288 of 5 min for a day); a week
 * reads the hourly rollups, plus the last hours the rollup's continuous query has not covered yet,
 * computed from raw with the rollup's own select so both parts mean the same thing (measurements
 * without a rollup have no week view).
 */
export interface HistoryPlan {
  range: HistoryRange;
  source: 'raw' | 'hourly';
  stepMs: number;
  statements: string[];
}

const STEP: Record<HistoryRange, { every: string; ms: number; source: 'raw' | 'hourly' }> = {
  '1h': { every: '10s', ms: 10_000, source: 'raw' },
  '24h': { every: '5m', ms: 300_000, source: 'raw' },
  '7d': { every: '1h', ms: 3_600_000, source: 'hourly' },
};

/** How far back the hourly rollup may not have caught up (its CQ recomputes the last 3 h every 15 min). */
const ROLLUP_LAG = '3h';
/** How far back a device card looks for its last stored reading. */
const LAST_READING_WITHIN = '7d';

export function planHistory(gateway: string, device: string | undefined, range: HistoryRange): HistoryPlan {
  const step = STEP[range];
  const where = `${quoteIdent('gateway')} = ${quoteString(gateway)}${device ? ` AND ${quoteIdent('device')} = ${quoteString(device)}` : ''}`;
  const statements: string[] = [];
  if (step.source === 'raw') {
    statements.push(
      `SELECT mean(*) FROM "raw"./.*/ WHERE ${where} AND time > now() - ${range} GROUP BY time(${step.every}), * fill(none)`,
    );
  } else {
    statements.push(
      `SELECT * FROM "hourly"./.*/ WHERE ${where} AND time > now() - ${range} AND time < now() - ${ROLLUP_LAG} GROUP BY *`,
    );
    const known = ROLLUPS.filter((r) => r.source === 'raw');
    for (const r of known)
      statements.push(
        `SELECT ${r.select} FROM "raw".${quoteIdent(r.measurement)} WHERE ${where} AND time >= now() - ${ROLLUP_LAG} GROUP BY time(1h), * fill(none)`,
      );
  }
  statements.push(
    `SELECT * FROM "raw"./.*/ WHERE ${where} AND time > now() - ${LAST_READING_WITHIN} GROUP BY * ORDER BY time DESC LIMIT 1`,
  );
  return { range, source: step.source, stepMs: step.ms, statements };
}

/**
 * A rollup or per-bucket column back to the field it summarises: `mean_x` first, then `last_x` (energy
 * indexes), then `sum_x` (counts); extremes (`min_`, `max_`) are not drawn.
 */
const PREFERENCE = ['mean_', 'last_', 'sum_'];

function fieldColumns(columns: string[]): Map<string, number> {
  const chosen = new Map<string, { rank: number; index: number }>();
  columns.forEach((column, index) => {
    const rank = PREFERENCE.findIndex((p) => column.startsWith(p));
    if (rank < 0) return;
    const field = column.slice(PREFERENCE[rank]!.length);
    const had = chosen.get(field);
    if (!had || rank < had.rank) chosen.set(field, { rank, index });
  });
  return new Map([...chosen].map(([field, { index }]) => [field, index]));
}

function ownTags(tags: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(tags ?? {})) if (!PLACE_TAGS.has(k) && v !== '') out[k] = v;
  return out;
}

/** InfluxDB's answers to the plan's statements → the page's shape (series merged by device, measurement, tags). */
export function shapeHistory(gateway: string, plan: HistoryPlan, results: QueryResult[]): HistoryResponse {
  const bySeries = new Map<string, HistorySeries>();
  const pointsResults = results.slice(0, -1);
  for (const result of pointsResults) {
    for (const s of result.series ?? []) {
      const device = s.tags?.device ?? '';
      const tags = ownTags(s.tags);
      const key = `${device}\u0000${s.name}\u0000${JSON.stringify(tags)}`;
      let out = bySeries.get(key);
      if (!out) {
        out = { device, measurement: s.name, tags, times: [], fields: {} };
        bySeries.set(key, out);
      }
      appendRows(out, s.columns, s.values ?? []);
    }
  }
  for (const s of bySeries.values()) {
    // InfluxDB answers every field of the measurement for each series: drop those this series never had.
    for (const [field, values] of Object.entries(s.fields)) if (values.every((v) => v === null)) delete s.fields[field];
    sortByTime(s);
  }
  const last: LastReading[] = [];
  for (const s of results.at(-1)?.series ?? []) {
    const row = s.values?.[0];
    if (!row) continue;
    const fields: LastReading['fields'] = {};
    s.columns.forEach((c, i) => {
      const v = row[i];
      if (c !== 'time' && v !== null && v !== undefined)
        fields[c] = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : (v as number | string | boolean);
    });
    last.push({
      device: s.tags?.device ?? '',
      measurement: s.name,
      tags: ownTags(s.tags),
      time: Number(row[0]),
      fields,
    });
  }
  return { gateway, range: plan.range, source: plan.source, stepMs: plan.stepMs, series: [...bySeries.values()], last };
}

function appendRows(out: HistorySeries, columns: string[], rows: unknown[][]): void {
  const fields = fieldColumns(columns);
  const start = out.times.length;
  for (const row of rows) out.times.push(Number(row[0]));
  for (const [field, index] of fields) {
    let values = out.fields[field];
    if (!values) {
      values = new Array(start).fill(null);
      out.fields[field] = values;
    }
    for (const row of rows) {
      const v = row[index];
      values.push(v === null || v === undefined ? null : Number(v));
    }
  }
  for (const values of Object.values(out.fields)) while (values.length < out.times.length) values.push(null);
}

function sortByTime(s: HistorySeries): void {
  const order = s.times.map((_, i) => i).sort((a, b) => (s.times[a] as number) - (s.times[b] as number));
  if (order.every((v, i) => v === i)) return;
  s.times = order.map((i) => s.times[i] as number);
  for (const [name, values] of Object.entries(s.fields)) s.fields[name] = order.map((i) => values[i] ?? null);
}
