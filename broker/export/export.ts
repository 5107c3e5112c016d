import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { InfluxConnection } from '../schema/http.js';
import { createFormatter, type ExportRow } from './formats.js';
import { createMsgpackCsv } from './msgpack-csv.js';
import { planExport } from './plan.js';
import { createProgress, type Progress } from './progress.js';
import type { ExportRequest } from './request.js';
import { aggregatedRows, compareRows, rawRows } from './rows.js';
import { queryChunks, queryMsgpack } from './stream.js';

/**
 * Rows per InfluxDB chunk on the raw CSV path: 500, 2,000 and 10,000 cost influxd and the exporter the same
 * CPU within the noise (bench/export-memory.ts); small chunks keep what is held at once small.
 */
const RAW_CSV_CHUNK_ROWS = 500;
/** Bytes of output queued before the export waits for the output to drain. */
const OUTPUT_QUEUE = 256 * 1024;

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
  const write = async (data: string | Buffer, written?: () => void) => {
    if (outputError) throw outputError;
    // Writes queue up to OUTPUT_QUEUE bytes before the export waits, so reading InfluxDB's next chunk overlaps
    // with the output's write of the last one. once() rejects if the output emits 'error' while we wait.
    if (data.length > 0 && !output.write(data, written) && output.writableLength > OUTPUT_QUEUE)
      await once(output, 'drain');
  };
  await write(formatter.header());
  const rawCsv = !plan.aggregated && request.format === 'csv';
  for (const window of plan.windows) {
    if (rawCsv) {
      const csv = createMsgpackCsv(plan, formatter, window.statement);
      const pieces = queryMsgpack(connection, window.statement, RAW_CSV_CHUNK_ROWS);
      for (let piece = await pieces.next(); ; piece = await pieces.next()) {
        const chunk = piece.done ? csv.end() : csv.push(piece.value);
        rows += chunk.rows;
        await write(chunk.bytes, () => csv.release(chunk.bytes));
        if (chunk.error) throw chunk.error;
        progress.update(chunk.lastTime ?? window.fromNs, rows);
        if (piece.done) break;
      }
    } else if (!plan.aggregated) {
      const chunks = queryChunks(connection, window.statement);
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
      for await (const chunk of queryChunks(connection, window.statement))
        collected.push(...aggregatedRows(plan, chunk));
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
