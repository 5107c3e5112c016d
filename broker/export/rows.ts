import type { QueryResult } from '../schema/http.js';
import type { ExportRow } from './formats.js';
import type { ExportPlan } from './plan.js';

/** Without GROUP BY the columns are time, the fields, then the tags (selected with ::field and ::tag). */
export function* rawRows(plan: ExportPlan, chunk: QueryResult): Generator<ExportRow> {
  for (const series of chunk.series ?? []) {
    const index = new Map(series.columns.map((c, i) => [c, i]));
    const fieldAt = plan.fields.map((f) => index.get(f.name));
    const tagAt = rawTagColumns(plan).map((name) => index.get(name));
    for (const v of series.values ?? []) {
      yield {
        time: BigInt(v[0] as string | number),
        tags: tagAt.map((i) => (i === undefined ? null : ((v[i] as string | null) ?? null))),
        fields: fieldAt.map((i) => (i === undefined ? null : v[i])),
      };
    }
  }
}

/** The column name of each tag in a raw query: a tag that shares its key with a field comes back as <key>_1. */
export function rawTagColumns(plan: ExportPlan): string[] {
  return plan.tags.map((t) => (plan.fields.some((f) => f.name === t) ? `${t}_1` : t));
}

/** With GROUP BY time and tags each series carries its tags, and its columns are time then the aggregates. */
export function* aggregatedRows(plan: ExportPlan, chunk: QueryResult): Generator<ExportRow> {
  for (const series of chunk.series ?? []) {
    const index = new Map(series.columns.map((c, i) => [c, i]));
    const fieldAt = plan.fields.map((f) => index.get(f.name));
    const tags = plan.tags.map((t) => series.tags?.[t] ?? null);
    for (const v of series.values ?? []) {
      yield {
        time: BigInt(v[0] as string | number),
        tags,
        fields: fieldAt.map((i) => (i === undefined ? null : v[i])),
      };
    }
  }
}

export function compareRows(a: ExportRow, b: ExportRow): number {
  if (a.time !== b.time) return a.time < b.time ? -1 : 1;
  for (let i = 0; i < a.tags.length; i++) {
    const x = a.tags[i] ?? '';
    const y = b.tags[i] ?? '';
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
