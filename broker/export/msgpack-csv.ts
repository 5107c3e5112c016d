import { InfluxError, type QueryResult } from '../schema/http.js';
import { CsvOut, TimeWriter } from './csv-out.js';
import { csvCell, csvFieldCell, type RowFormatter } from './formats.js';
import {
  decode,
  headerEnd,
  INCOMPLETE,
  intHi,
  intLo,
  intText,
  MsgpackShapeError,
  MsgpackSplitter,
  readInt,
  readLength,
  readStr,
  safeInt,
  skip,
  strEnd,
  strStart,
  valueEnd,
} from './msgpack.js';
import type { ExportPlan, FieldType } from './plan.js';
import { rawRows, rawTagColumns } from './rows.js';
import { chunkResults } from './stream.js';

/** The CSV bytes of the chunks completed by one network read, their row count and the time of the last row. */
export interface CsvBytes {
  bytes: Buffer;
  rows: number;
  lastTime: bigint | undefined;
  /** InfluxDB's error in a chunk after these rows (a killed query, a limit): thrown once they are written. */
  error?: Error;
}

export interface MsgpackCsv {
  /** The next piece of InfluxDB's chunked MessagePack answer to a raw query, as CSV rows. */
  push(piece: Buffer): CsvBytes;
  /** The rows of chunks still pending at the end of the answer; an error if it ended in the middle of one. */
  end(): CsvBytes;
  /** Takes back the bytes of a `push` once the output has written them. */
  release(bytes: Buffer): void;
  /** Chunks read row by row into CSV, and chunks of another shape decoded whole and formatted. */
  counts: { scanned: number; decoded: number };
}

const TIME = 1;
const TAG = 2;
const KIND: Record<FieldType, number> = { integer: 3, float: 4, boolean: 5, string: 6 };
const TYPE_OF: FieldType[] = [];
for (const [type, kind] of Object.entries(KIND)) TYPE_OF[kind] = type as FieldType;

/** Which column of a series fills each output slot (0 time, then tags, then fields; -1: none), and its kind. */
interface Layout {
  columnOf: number[];
  kind: number[];
  width: number;
}

/**
 * CSV rows of a raw export straight from InfluxDB's MessagePack answer, written as bytes: strings copied
 * (quoted as CSV needs), integers and times printed from their binary, floats as JavaScript prints them.
 * InfluxDB encodes MessagePack for about 40 % less CPU than JSON (bench/export-memory.ts), and no JSON
 * text is decoded or parsed here. The bytes are those `formatter.row` writes for the rows of the JSON
 * answer (tests/integration/export-raw-csv.influxdb.test.ts); a chunk of another shape than a raw query's
 * is decoded whole and goes through `formatter.row`. Unlike its CSV, InfluxDB's MessagePack carries a
 * statement's error, so a killed or failed query ends the export with it.
 */
export function createMsgpackCsv(plan: ExportPlan, formatter: RowFormatter, statement: string): MsgpackCsv {
  return new MsgpackCsvReader(plan, formatter, statement);
}

type Reader = (b: Buffer, p: number, end: number) => number;

class MsgpackCsvReader implements MsgpackCsv {
  readonly counts = { scanned: 0, decoded: 0 };
  private readonly layouts = new Map<string, Layout | null>();
  private readonly splitter = new MsgpackSplitter();
  private readonly out = new CsvOut();
  private readonly time = new TimeWriter();
  /** Where each column of the current row starts. */
  private readonly at: number[] = [];
  private rows = 0;
  private error: Error | undefined;
  private lastTime: bigint | undefined;
  private readonly chunk: Reader = (b, p, end) => this.readChunk(b, p, end);
  private readonly result: Reader = (b, p, end) => this.scanMap(b, p, end, 'series', this.series);
  private readonly series: Reader = (b, p, end) => this.scanSeries(b, p, end);

  constructor(
    private readonly plan: ExportPlan,
    private readonly formatter: RowFormatter,
    private readonly statement: string,
  ) {}

  push(piece: Buffer): CsvBytes {
    if (this.error) throw this.error;
    return this.read(Math.ceil(1.5 * piece.length) + 4096, () => this.splitter.feed(piece, this.chunk)); // CSV: ~1.3× the bytes
  }

  end(): CsvBytes {
    return this.read(4096, () => {
      this.splitter.finish(this.chunk);
      const left = this.splitter.leftover;
      if (!this.error && left > 0)
        this.error = new InfluxError(this.statement, `the answer ended in the middle of a chunk (${left} bytes)`);
    });
  }

  release(bytes: Buffer): void {
    this.out.release(bytes);
  }

  private read(capacity: number, feed: () => void): CsvBytes {
    this.out.reset(capacity);
    this.rows = 0;
    this.lastTime = undefined;
    feed();
    return { bytes: this.out.take(), rows: this.rows, lastTime: this.lastTime, error: this.error };
  }

  /** One chunk, scanned row by row, else decoded whole; InfluxDB's error in it is kept and stops the reading. */
  private readChunk(b: Buffer, start: number, end: number): number {
    const mark = this.out.len;
    const rowsMark = this.rows;
    try {
      try {
        const next = this.scanMap(b, start, end, 'results', this.result);
        this.counts.scanned++;
        if (this.rows > rowsMark) this.lastTime = this.time.ns;
        return next;
      } catch (e) {
        this.out.len = mark;
        this.rows = rowsMark;
        if (!(e instanceof MsgpackShapeError)) throw e;
        return this.decoded(b, start, end);
      }
    } catch (e) {
      if (e instanceof MsgpackShapeError)
        this.error = new InfluxError(this.statement, `answered MessagePack that is not InfluxDB's (${e.message})`);
      else if (e instanceof InfluxError) this.error = e;
      else throw e;
      return -1;
    }
  }

  /** A chunk of another shape than expected: decoded whole, its rows through `formatter.row`. */
  private decoded(b: Buffer, start: number, end: number): number {
    const body = decode(b, start, end) as { error?: string; results?: QueryResult[] };
    const next = valueEnd;
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw new InfluxError(this.statement, 'answered something else than MessagePack maps');
    for (const result of chunkResults(body, this.statement)) {
      for (const row of rawRows(this.plan, result)) {
        this.out.text(this.formatter.row(row));
        this.time.set(Number(row.time >> 32n), Number(row.time & 0xffffffffn));
        this.rows++;
      }
    }
    this.counts.decoded++;
    this.lastTime = this.time.ns;
    return next;
  }

  /** A chunk {results: [...]} or a result {statement_id, series: [...]}: `key`'s items read, an error thrown. */
  private scanMap(b: Buffer, p: number, end: number, key: string, item: Reader): number {
    const keys = readLength(b, p, end, true);
    p = headerEnd;
    for (let k = 0; k < keys; k++) {
      const name = keyAt(b, p, end);
      p = strEnd;
      if (name === key) {
        const n = readLength(b, p, end, false);
        p = headerEnd;
        for (let i = 0; i < n; i++) p = item(b, p, end);
      } else if (name === 'error') throw new InfluxError(this.statement, String(decode(b, p, end)));
      else p = skip(b, p, end);
    }
    return p;
  }

  /** A series: name, tags, columns, values, partial; its columns come before its values. */
  private scanSeries(b: Buffer, p: number, end: number): number {
    const keys = readLength(b, p, end, true);
    p = headerEnd;
    let layout: Layout | null = null;
    for (let k = 0; k < keys; k++) {
      const key = keyAt(b, p, end);
      p = strEnd;
      if (key === 'columns') {
        const columns = decode(b, p, end) as string[];
        p = valueEnd;
        const id = columns.join('\n');
        if (!this.layouts.has(id)) this.layouts.set(id, buildLayout(this.plan, columns));
        layout = this.layouts.get(id)!;
      } else if (key === 'values') {
        if (!layout) throw new MsgpackShapeError('values before columns, or columns that fill one slot twice');
        p = this.scanValues(b, p, end, layout);
      } else p = skip(b, p, end); // name, partial; tags (GROUP BY only): raw rows take tags from columns
    }
    return p;
  }

  private scanValues(b: Buffer, p: number, end: number, layout: Layout): number {
    const { columnOf, kind, width } = layout;
    const { at, out } = this;
    const n = readLength(b, p, end, false);
    p = headerEnd;
    for (let r = 0; r < n; r++) {
      if (readLength(b, p, end, false) !== width) throw new MsgpackShapeError('a row of another width');
      p = headerEnd;
      for (let c = 0; c < width; c++) {
        at[c] = p;
        // The usual values inline: small integers, null, booleans, floats, int64, short strings.
        const h = b[p]!;
        if (h <= 0x7f || (h >= 0xc0 && h <= 0xc3)) p++;
        else if (h === 0xcb || h === 0xd3) p += 9;
        else if (h >= 0xa0 && h <= 0xbf) p += 1 + (h & 0x1f);
        else p = skip(b, p, end);
      }
      if (p > end) throw INCOMPLETE;
      for (let s = 0; s < columnOf.length; s++) {
        if (s > 0) out.byte(44);
        const c = columnOf[s]!;
        if (c >= 0) this.cell(b, at[c]!, end, kind[c]!);
      }
      out.byte(10);
      this.rows++;
    }
    return p;
  }

  private cell(b: Buffer, p: number, end: number, kind: number): void {
    const { out } = this;
    const c = b[p]!;
    if (kind === TIME) {
      if (readInt(b, p, end) < 0) throw new MsgpackShapeError('a time that is no integer');
      this.time.set(intHi, intLo);
      this.time.write(out);
    } else if (c === 0xc0) {
      // null: an empty cell
    } else if (kind === KIND.float && c === 0xcb) out.float(b.readDoubleBE(p + 1));
    else if (kind === KIND.integer && readInt(b, p, end) >= 0) {
      const n = safeInt();
      if (n === undefined) out.ascii(intText());
      else out.integer(n);
    } else if ((kind === TAG || kind === KIND.string) && readStr(b, p, end) >= 0) out.cell(b, strStart, strEnd);
    else if (kind === KIND.boolean && (c === 0xc2 || c === 0xc3)) out.ascii(c === 0xc3 ? 'true' : 'false');
    else {
      // A value of another type than its field's (a type conflict between shards): what the parsed path writes.
      const value = decode(b, p, end);
      out.text(kind === TAG ? csvCell(String(value)) : csvFieldCell(value, TYPE_OF[kind]!));
    }
  }
}

function keyAt(b: Buffer, p: number, end: number): string {
  const start = readStr(b, p, end);
  if (start < 0) throw new MsgpackShapeError('a map key that is no string');
  return b.toString('latin1', start, strEnd);
}

/** One slot per column the plan wants; null (the decoded path) when a column would fill two slots. */
function buildLayout(plan: ExportPlan, columns: string[]): Layout | null {
  const index = new Map(columns.map((c, i) => [c, i]));
  const columnOf: number[] = [];
  const kind = columns.map(() => 0);
  const place = (column: number | undefined, k: number): boolean => {
    columnOf.push(column ?? -1);
    if (column === undefined) return true;
    if (kind[column] !== 0) return false;
    kind[column] = k;
    return true;
  };
  let ok = columns[0] === 'time' && place(0, TIME);
  for (const name of rawTagColumns(plan)) ok = place(index.get(name), TAG) && ok;
  for (const f of plan.fields) ok = place(index.get(f.name), KIND[f.type]) && ok;
  return ok ? { columnOf, kind, width: columns.length } : null;
}
