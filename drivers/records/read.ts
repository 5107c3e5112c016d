import type { Reading } from '../../wire/reading.js';
import type { MapOutcome } from './map.js';
import { type BodyFormat, parseBody } from './parse.js';

/** Where mapped records go: the device sink's two calls. */
export interface RecordSink {
  reading(reading: Reading): void;
  rejected(reason: string, detail?: string): void;
}

export interface Rejection {
  /** `line 12`, `record 3`. */
  at: string;
  reason: string;
  detail: string;
}

export interface ReadSummary {
  /** Records found in the body (mapped or not). */
  records: number;
  readings: number;
  /** Records left out by `where` (or with no field that applies): not errors. */
  skipped: number;
  rejections: Rejection[];
}

/**
 * Parses a body and maps each record: readings go to the sink, each record that does not map is a
 * rejection with its place and reason (`where` names the file or page), the rest goes through.
 */
export function readRecords(
  body: Uint8Array,
  source: BodyFormat,
  map: (record: unknown) => MapOutcome,
  sink: RecordSink,
  where = '',
): ReadSummary {
  const { records, problems } = parseBody(body, source);
  const summary: ReadSummary = { records: records.length, readings: 0, skipped: 0, rejections: [] };
  const reject = (at: string, reason: string, detail: string) => {
    summary.rejections.push({ at, reason, detail });
    sink.rejected(reason, `${where ? `${where} ` : ''}${at}: ${detail}`);
  };
  // csv-parse reports a skipped line before the records around it: go through both in line order.
  const items = [...problems.map((p) => ({ at: p.at, problem: p })), ...records.map((r) => ({ at: r.at, record: r }))];
  items.sort((a, b) => lineOf(a.at) - lineOf(b.at));
  for (const item of items) {
    if ('problem' in item) {
      reject(item.at, item.problem.reason, item.problem.detail);
      continue;
    }
    const outcome = map(item.record.record);
    if (outcome.kind === 'reading') {
      summary.readings++;
      sink.reading(outcome.reading);
    } else if (outcome.kind === 'skipped') summary.skipped++;
    else reject(item.at, outcome.reason, outcome.detail);
  }
  return summary;
}

function lineOf(at: string): number {
  return Number(at.match(/\d+/)?.[0] ?? 0);
}
