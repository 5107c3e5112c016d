import { parse as parseCsv } from 'csv-parse/sync';
import { JSONPath } from 'jsonpath-plus';
import type { CsvOptions, JsonOptions } from './schema.js';

/** A record of a body, with where it was (`line 12`, `record 3`) for rejections. */
export interface SourceRecord {
  at: string;
  record: unknown;
}

/** A part of a body that is not a record at all (a CSV line with the wrong number of columns, bad JSON). */
export interface SourceProblem {
  at: string;
  reason: 'bad_csv' | 'bad_json';
  detail: string;
}

export interface ParsedBody {
  records: SourceRecord[];
  problems: SourceProblem[];
}

export type BodyFormat = { format: 'csv'; csv: CsvOptions } | { format: 'json'; json: JsonOptions };

export function parseBody(body: Uint8Array, source: BodyFormat): ParsedBody {
  return source.format === 'csv' ? parseCsvBody(body, source.csv) : parseJsonBody(body, source.json);
}

/** CSV through csv-parse: a malformed line is reported with its number and the rest is kept. */
export function parseCsvBody(body: Uint8Array, options: CsvOptions): ParsedBody {
  const text = Buffer.from(body).toString(options.encoding);
  const problems: SourceProblem[] = [];
  let rows: { record: Record<string, string>; info: { lines: number } }[];
  try {
    rows = parseCsv(text, {
      bom: true,
      columns: options.columns ?? true,
      delimiter: options.delimiter,
      quote: options.quote,
      from_line: options.skipLines + 1,
      info: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      on_skip: (error) => {
        if (error) problems.push({ at: `line ${error.lines}`, reason: 'bad_csv', detail: error.message });
        return undefined;
      },
    });
  } catch (error) {
    // Only what csv-parse cannot skip past (a bad header, an unclosed quote at the end).
    return { records: [], problems: [{ at: 'file', reason: 'bad_csv', detail: (error as Error).message }] };
  }
  return { records: rows.map(({ record, info }) => ({ at: `line ${info.lines}`, record })), problems };
}

/** JSON: the records are what the JSONPath expression selects (jsonpath-plus, script filters in its safe mode). */
export function parseJsonBody(body: Uint8Array, options: JsonOptions): ParsedBody {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(body).toString('utf8'));
  } catch (error) {
    return { records: [], problems: [{ at: 'body', reason: 'bad_json', detail: (error as Error).message }] };
  }
  return {
    records: selectJson(json, options.records).map((record, i) => ({ at: `record ${i + 1}`, record })),
    problems: [],
  };
}

/** Values a JSONPath selects (none when the path finds nothing). */
export function selectJson(json: unknown, path: string): unknown[] {
  if (json === null || typeof json !== 'object') return [];
  return JSONPath({ path, json: json as object, wrap: true, eval: 'safe' }) as unknown[];
}
