import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { InfluxConnection, QueryResult } from '../schema/http.js';
import { createFormatter, type ExportRow } from './formats.js';
import { type ExportPlan, planExport } from './plan.js';
import { createProgress, type Progress } from './progress.js';
import type { ExportRequest } from './request.js';
import { queryChunks } from './stream.js';

export interface ExportSummary {
  rows: number;
  windows: number;
}

/**
 * Streams a measurement out of InfluxDB into `output`, one time window at a time, each window read as
 * InfluxDB's chunked response. Raw rows come in time order across series. Aggregated rows of a window
 * (one per step and tag set, so few) are sorted by time, then tags, before they are written.
 */
export async function exportMeasurement(
  connection: InfluxConnection,
  request: ExportRequest,
  output: Writable,
  options: { progress?: Progress } = {},
): Promise<ExportSummary> {
  const plan = await planExport(connection, request);
  const formatter = createFormatter(request.format, plan);
  const progress = options.progress ?? createProgress(request.fromNs, request.toNs);
  let rows = 0;
  // A closed output (a pipe whose reader went away, a full disk) ends the export with its error instead of
  // waiting for a 'drain' that will never come.
  let outputError: Error | undefined;
  const onError = (e: Error) => {
    outputError = e;
  };
  output.on('error', onError);
  const write = async (text: string) => {
    if (outputError) throw outputError;
    // once() rejects if the output emits 'error' while we wait.
    if (text && !output.write(text)) await once(output, 'drain');
  };
  await write(formatter.header());
  for (const window of plan.windows) {
    const chunks = queryChunks(connection, window.statement);
    if (!plan.aggregated) {
      for await (const chunk of chunks) {
        let text = '';
        let lastTime = window.fromNs;
        for (const row of rawRows(plan, chunk)) {
          text += formatter.row(row);
          lastTime = row.time;
          rows++;
        }
        await write(text);
        progress.update(lastTime, rows);
      }
    } else {
      const collected: ExportRow[] = [];
      for await (const chunk of chunks) collected.push(...aggregatedRows(plan, chunk));
      collected.sort(compareRows);
      await write(collected.map((r) => formatter.row(r)).join(''));
      rows += collected.length;
    }
    progress.update(window.toNs, rows);
  }
  progress.finish(rows);
  output.off('error', onError);
  return { rows, windows: plan.windows.length };
}

/** Without GROUP BY the columns are time, the fields, then the tags (selected with ::field and ::tag). */
function* rawRows(plan: ExportPlan, chunk: QueryResult): Generator<ExportRow> {
  for (const series of chunk.series ?? []) {
    const index = new Map(series.columns.map((c, i) => [c, i]));
    const fieldAt = plan.fields.map((f) => index.get(f.name));
    // A tag that shares its key with a field comes back as <key>_1.
    const tagAt = plan.tags.map((t) => index.get(plan.fields.some((f) => f.name === t) ? `${t}_1` : t));
    for (const v of series.values ?? []) {
      yield {
        time: BigInt(v[0] as string | number),
        tags: tagAt.map((i) => (i === undefined ? null : ((v[i] as string | null) ?? null))),
        fields: fieldAt.map((i) => (i === undefined ? null : v[i])),
      };
    }
  }
}

/** With GROUP BY time and tags each series carries its tags, and its columns are time then the aggregates. */
function* aggregatedRows(plan: ExportPlan, chunk: QueryResult): Generator<ExportRow> {
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

function compareRows(a: ExportRow, b: ExportRow): number {
  if (a.time !== b.time) return a.time < b.time ? -1 : 1;
  for (let i = 0; i < a.tags.length; i++) {
    const x = a.tags[i] ?? '';
    const y = b.tags[i] ?? '';
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
