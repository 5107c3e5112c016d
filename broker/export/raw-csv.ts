import type { QueryResult } from '../schema/http.js';
import { csvCell, csvFieldCell, type RowFormatter } from './formats.js';
import type { ExportPlan, FieldType } from './plan.js';
import { rawRows, rawTagColumns } from './rows.js';
import { chunkResults, parseChunk } from './stream.js';
import { formatTimeText } from './time.js';

/** The CSV text of one chunk, its row count and the time of its last row. */
export interface CsvChunk {
  text: string;
  rows: number;
  lastTime: bigint | undefined;
}

const SKIP = 0;
const TIME = 1;
const TAG = 2;
const KIND: Record<FieldType, number> = { integer: 3, float: 4, boolean: 5, string: 6 };
const TYPE_OF: FieldType[] = [];
for (const [type, kind] of Object.entries(KIND)) TYPE_OF[kind] = type as FieldType;

/** Where each column of a series goes: its output slot (0 time, then tags, then fields) and its kind. */
interface Layout {
  slot: number[];
  kind: number[];
  cells: string[];
}

export interface RawCsvChunks {
  /** One chunk line of InfluxDB's chunked JSON as CSV rows; InfluxDB's error in it is thrown. */
  convert(line: string, statement: string): CsvChunk;
  /** Chunks scanned in place, and chunks of another shape that went through JSON.parse. */
  counts: { scanned: number; parsed: number };
}

class NotTheExpectedShape extends Error {}

/**
 * CSV rows of a raw export straight from the text of one chunk of InfluxDB's JSON. JSON.parse of the rows,
 * with the regex pass that keeps integers beyond 2^53 exact, was most of an export's time: here the
 * `values` arrays are scanned in place and each value's text is written as CSV allows (integers and
 * booleans as they are, floats as JavaScript prints them, strings decoded only when they hold an escape).
 * The rest of the chunk (columns, an error InfluxDB reports mid-stream) is parsed as JSON with the values
 * left out. The output is byte-identical to `formatter.row` of the parsed chunk, which is what a chunk of
 * any other shape than expected goes through.
 *
 * InfluxDB can answer CSV itself (`Accept: application/csv`), but 1.6 drops a statement's error from a CSV
 * answer (an empty 200), so a killed or failed query would end an export early without a word.
 */
export function createRawCsvChunks(plan: ExportPlan, formatter: RowFormatter): RawCsvChunks {
  const layouts = new Map<string, Layout | null>();
  const layoutOf = (columnsJson: string): Layout | null => {
    let layout = layouts.get(columnsJson);
    if (layout === undefined) {
      layout = buildLayout(plan, JSON.parse(columnsJson) as string[]);
      layouts.set(columnsJson, layout);
    }
    return layout;
  };
  const counts = { scanned: 0, parsed: 0 };
  const slow = (line: string, statement: string): CsvChunk => {
    counts.parsed++;
    let text = '';
    let rows = 0;
    let lastTime: bigint | undefined;
    for (const result of parseChunk(line, statement)) {
      for (const row of rawRows(plan, result)) {
        text += formatter.row(row);
        lastTime = row.time;
        rows++;
      }
    }
    return { text, rows, lastTime };
  };
  const convert = (line: string, statement: string): CsvChunk => {
    let scanned: ReturnType<typeof scanChunk>;
    let envelope: { error?: string; results?: QueryResult[] };
    try {
      scanned = scanChunk(line, layoutOf);
      // Without its values the chunk holds no int64 that JSON.parse would round: no big-integer pass.
      envelope = JSON.parse(scanned.envelope);
    } catch (e) {
      if (e instanceof NotTheExpectedShape || e instanceof SyntaxError) return slow(line, statement);
      throw e;
    }
    const results = chunkResults(envelope, statement);
    const series = results.reduce((n, r) => n + (r.series?.length ?? 0), 0);
    if (series !== scanned.series) return slow(line, statement);
    counts.scanned++;
    const lastTime = scanned.lastTime === undefined ? undefined : BigInt(scanned.lastTime);
    return { text: scanned.text, rows: scanned.rows, lastTime };
  };
  return { convert, counts };
}

/** One slot per column the plan wants; null (the parsed path) when a column would fill two slots. */
function buildLayout(plan: ExportPlan, columns: string[]): Layout | null {
  const index = new Map(columns.map((c, i) => [c, i]));
  const slot = columns.map(() => -1);
  const kind = columns.map(() => SKIP);
  const place = (column: number | undefined, at: number, k: number): boolean => {
    if (column === undefined) return true;
    if (slot[column] !== -1) return false;
    slot[column] = at;
    kind[column] = k;
    return true;
  };
  let ok = columns[0] === 'time' && place(0, 0, TIME);
  rawTagColumns(plan).forEach((name, i) => {
    ok = place(index.get(name), 1 + i, TAG) && ok;
  });
  plan.fields.forEach((f, i) => {
    ok = place(index.get(f.name), 1 + plan.tags.length + i, KIND[f.type]) && ok;
  });
  if (!ok) return null;
  return { slot, kind, cells: Array.from({ length: 1 + plan.tags.length + plan.fields.length }, () => '') };
}

const VALUES = '"values":[';
const COLUMNS = '"columns":[';

/** Every `values` array of the chunk as CSV, and the chunk with those arrays emptied. */
function scanChunk(line: string, layoutOf: (columnsJson: string) => Layout | null) {
  let text = '';
  let rows = 0;
  let lastTime: string | undefined;
  let envelope = '';
  let series = 0;
  let pos = 0;
  for (let v = line.indexOf(VALUES); v >= 0; v = line.indexOf(VALUES, pos)) {
    // InfluxDB writes a series as name, tags, columns, values, partial: the columns end just before.
    const c = line.lastIndexOf(COLUMNS, v);
    if (c < pos || line.charCodeAt(v - 1) !== 44 || line.charCodeAt(v - 2) !== 93) throw new NotTheExpectedShape();
    const layout = layoutOf(line.slice(c + COLUMNS.length - 1, v - 1));
    if (!layout) throw new NotTheExpectedShape();
    const start = v + VALUES.length;
    const values = scanValues(line, start, layout);
    text += values.text;
    rows += values.rows;
    lastTime = values.lastTime ?? lastTime;
    envelope += line.slice(pos, start);
    pos = values.end - 1; // the closing bracket of the values array
    series++;
  }
  envelope += line.slice(pos);
  return { text, rows, lastTime, envelope, series };
}

/** The rows of one values array from `i` (just after its `[`); `end` is just after its `]`. */
function scanValues(line: string, i: number, layout: Layout) {
  const { slot, kind, cells } = layout;
  const width = slot.length;
  const length = line.length;
  let text = '';
  let rows = 0;
  let lastTime: string | undefined;
  if (line.charCodeAt(i) === 93) return { text, rows, lastTime, end: i + 1 };
  for (;;) {
    if (line.charCodeAt(i) !== 91) throw new NotTheExpectedShape();
    i++;
    for (let col = 0; col < width; col++) {
      let cell: string;
      if (line.charCodeAt(i) === 34) {
        const end = stringEnd(line, i);
        const raw = line.slice(i + 1, end);
        const k = kind[col]!;
        if (raw.indexOf('\\') >= 0) cell = stringCell(JSON.parse(line.slice(i, end + 1)) as string, k);
        // Without an escape a JSON string holds no quote nor line break: only a comma needs quotes in CSV.
        else if (k === TAG || k === KIND.string) cell = raw.indexOf(',') < 0 ? raw : `"${raw}"`;
        else cell = stringCell(raw, k);
        i = end + 1;
      } else {
        let end = i;
        while (end < length) {
          const ch = line.charCodeAt(end);
          if (ch === 44 || ch === 93) break;
          end++;
        }
        const token = line.slice(i, end);
        if (kind[col] === TIME) lastTime = token;
        cell = scalarCell(token, kind[col]!);
        i = end;
      }
      if (slot[col]! >= 0) cells[slot[col]!] = cell;
      if (line.charCodeAt(i) !== (col === width - 1 ? 93 : 44)) throw new NotTheExpectedShape();
      i++;
    }
    let row = cells[0]!;
    for (let s = 1; s < cells.length; s++) row += `,${cells[s]}`;
    text += `${row}\n`;
    rows++;
    const next = line.charCodeAt(i++);
    if (next === 93) return { text, rows, lastTime, end: i };
    if (next !== 44) throw new NotTheExpectedShape();
  }
}

/** The index of the quote that closes the JSON string opening at `i`. */
function stringEnd(line: string, i: number): number {
  let end = line.indexOf('"', i + 1);
  for (;;) {
    if (end < 0) throw new NotTheExpectedShape();
    let backslashes = 0;
    while (line.charCodeAt(end - 1 - backslashes) === 92) backslashes++;
    if (backslashes % 2 === 0) return end;
    end = line.indexOf('"', end + 1);
  }
}

function stringCell(value: string, kind: number): string {
  if (kind === TAG || kind === KIND.string) return csvCell(value);
  if (kind === TIME) return formatTimeText(value);
  return kind === SKIP ? '' : csvFieldCell(value, TYPE_OF[kind]!);
}

const DIGITS = /^-?\d+$/;
const BIG_INTEGER = /^-?\d{16,}$/;

/**
 * A number, true, false or null as the parsed path would write it. InfluxDB's JSON (Go's encoding/json)
 * writes a float as JavaScript prints it (shortest exact digits, exponent below 1e-6 and from 1e21) except
 * for negative zero; integers are plain digits.
 */
function scalarCell(token: string, kind: number): string {
  switch (kind) {
    case TIME:
      return formatTimeText(token);
    case SKIP:
      return '';
    case KIND.float: {
      const c = token.charCodeAt(0);
      if ((c >= 48 && c <= 57) || (c === 45 && token !== '-0')) return token;
      break;
    }
    case KIND.integer:
      if (DIGITS.test(token)) return token;
      break;
    case KIND.boolean:
      if (token === 'true' || token === 'false') return token;
      break;
  }
  if (token === 'null') return '';
  // A value of another type than its field's (a type conflict between shards): what the parsed path does.
  const value: unknown = BIG_INTEGER.test(token) ? token : JSON.parse(token);
  return kind === TAG ? csvCell(String(value)) : csvFieldCell(value, TYPE_OF[kind]!);
}
