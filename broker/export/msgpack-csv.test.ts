import { describe, expect, it } from 'vitest';
import { F64, type Packable, pack } from '../../tests/harness/msgpack-encode.js';
import { createFormatter } from './formats.js';
import { createMsgpackCsv } from './msgpack-csv.js';
import type { ExportPlan } from './plan.js';
import { rawRows } from './rows.js';
import { parseChunk } from './stream.js';

/**
 * The MessagePack path against the parsed JSON path on random answers: every value InfluxDB can send in
 * both encodings (as Go writes them), the MessagePack cut at random places as the network would, errors
 * mid-answer. The real influxd's answers are compared in tests/integration/export-raw-csv.influxdb.test.ts.
 */
const plan: ExportPlan = {
  measurement: 'm',
  tags: ['device', 'site'],
  fields: [
    { name: 'b', source: 'b', type: 'boolean' },
    { name: 'f', source: 'f', type: 'float' },
    { name: 'i', source: 'i', type: 'integer' },
    { name: 's', source: 's', type: 'string' },
  ],
  windows: [],
  aggregated: false,
};
const COLUMNS = ['time', 'b', 'f', 'i', 's', 'device', 'site'];
const T0 = 1_767_225_600_000_000_000n;

function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** InfluxDB's JSON of a value, as Go's encoding/json writes it (int64 as bare digits). */
function json(v: Packable): string {
  if (v === null || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v instanceof F64) return JSON.stringify(v.value);
  if (typeof v === 'number' || typeof v === 'string') return JSON.stringify(v);
  if (Buffer.isBuffer(v)) throw new Error('raw bytes have no JSON here');
  if (Array.isArray(v)) return `[${v.map(json).join(',')}]`;
  return `{${Object.entries(v)
    .map(([k, x]) => `${JSON.stringify(k)}:${json(x)}`)
    .join(',')}}`;
}

function generator(rnd: () => number) {
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const ALPHABET = ['a', 'Z', '0', ' ', '"', ',', '\n', '\r', '\\', '\t', 'é', '雨', '🌧', '\u2028', '<', '&', '\u0000'];
  const text = () => Array.from({ length: Math.floor(rnd() * 8) }, () => pick(ALPHABET)).join('');
  const view = new DataView(new ArrayBuffer(8));
  const double = (): number => {
    switch (Math.floor(rnd() * 5)) {
      case 0:
        view.setUint32(0, Math.floor(rnd() * 2 ** 32));
        view.setUint32(4, Math.floor(rnd() * 2 ** 32));
        return Number.isFinite(view.getFloat64(0)) ? view.getFloat64(0) : 1.5;
      case 1:
        return Math.round(rnd() * 10 ** Math.floor(rnd() * 9)) / 10 ** Math.floor(rnd() * 7) - 50;
      case 2:
        return pick([0, -0, 1e-6, 1e-7, 2 ** 31, 2 ** 53 + 2, 1e21, 5e-324, 0.1 + 0.2, -1.5]);
      default:
        return (rnd() - 0.5) * 10 ** Math.floor(rnd() * 30 - 10);
    }
  };
  const int64 = (): bigint =>
    rnd() < 0.5
      ? BigInt(Math.floor((rnd() - 0.5) * 2 ** Math.floor(rnd() * 40)))
      : BigInt.asIntN(64, (BigInt(Math.floor(rnd() * 2 ** 32)) << 32n) | BigInt(Math.floor(rnd() * 2 ** 32)));
  let time = T0;
  const value = (column: string): Packable => {
    if (column !== 'time' && rnd() < 0.15) return null;
    const conflict = rnd() < 0.03; // a value of another type than its field's (shards that disagree)
    switch (column) {
      case 'time':
        time += rnd() < 0.05 ? BigInt(Math.floor(rnd() * 2 ** 46)) * 1000n : BigInt(Math.floor(rnd() * 3e9));
        return rnd() < 0.01 ? -BigInt(Math.floor(rnd() * 2 ** 40)) : time;
      case 'b':
        return conflict ? text() : rnd() < 0.5;
      case 'f':
        return conflict ? pick<Packable>([int64(), 42, true]) : new F64(double());
      case 'i':
        return conflict ? pick<Packable>([text(), false]) : int64();
      case 's':
        return conflict ? pick<Packable>([new F64(double()), int64(), true]) : text();
      default:
        return conflict ? 7 : text();
    }
  };
  const series = (): Packable => {
    // Usually the raw query's columns (time first, as always); sometimes fewer, in another order, or values
    // before columns (decoded whole).
    let columns = COLUMNS;
    if (rnd() < 0.1) columns = COLUMNS.filter((c) => c === 'time' || rnd() < 0.7);
    if (rnd() < 0.05) columns = ['time', ...columns.slice(1).reverse()];
    const values = Array.from({ length: Math.floor(rnd() * 20) }, () => columns.map(value));
    const s: Record<string, Packable> = { name: 'm' };
    if (rnd() < 0.05) s.tags = { site: text() };
    if (rnd() < 0.05) Object.assign(s, { values, columns });
    else Object.assign(s, { columns, values });
    if (rnd() < 0.3) s.partial = true;
    return s;
  };
  const chunk = (): Packable => {
    const r = rnd();
    if (r < 0.02) return { error: 'query interrupted' };
    if (r < 0.04) return { results: [{ statement_id: 0, error: 'max-select-point limit exceeeded: (10000/10000)' }] };
    const result: Record<string, Packable> = { statement_id: 0 };
    if (rnd() < 0.05) result.messages = [{ level: 'warning', text: 'deprecated' }];
    result.series = Array.from({ length: 1 + Math.floor(rnd() * 2) }, series);
    if (rnd() < 0.3) result.partial = true;
    return { results: [result] };
  };
  return { chunk };
}

/** What the parsed JSON path writes for the chunks, up to the first error. */
function parsedPath(chunks: Packable[]) {
  const formatter = createFormatter('csv', plan);
  let text = '';
  let rows = 0;
  for (const c of chunks) {
    try {
      for (const result of parseChunk(json(c), 'q'))
        for (const row of rawRows(plan, result)) {
          text += formatter.row(row);
          rows++;
        }
    } catch (e) {
      return { text, rows, error: (e as Error).message };
    }
  }
  return { text, rows, error: undefined };
}

/** The MessagePack path on the chunks cut into pieces at random places. */
function msgpackPath(chunks: Packable[], rnd: () => number) {
  const csv = createMsgpackCsv(plan, createFormatter('csv', plan), 'q');
  const all = Buffer.concat(chunks.map(pack));
  const out: Buffer[] = [];
  let rows = 0;
  let error: string | undefined;
  for (let at = 0; at <= all.length && !error; ) {
    const size = rnd() < 0.3 ? Math.floor(rnd() * 4) : Math.floor(rnd() * 3000);
    const got = at === all.length ? csv.end() : csv.push(all.subarray(at, at + size));
    out.push(got.bytes);
    rows += got.rows;
    error = got.error?.message;
    at = at === all.length ? at + 1 : Math.min(all.length, at + size);
  }
  return { text: Buffer.concat(out).toString(), rows, error, counts: csv.counts };
}

describe('raw CSV from MessagePack', () => {
  it('writes the bytes of the parsed JSON path on 400 random answers cut at random places', () => {
    const counts = { scanned: 0, decoded: 0, errors: 0 };
    for (let seed = 1; seed <= 400; seed++) {
      const rnd = random(seed);
      const { chunk } = generator(rnd);
      const chunks = Array.from({ length: 1 + Math.floor(rnd() * 12) }, chunk);
      const want = parsedPath(chunks);
      const got = msgpackPath(chunks, rnd);
      expect(got.text, `seed ${seed}`).toBe(want.text);
      expect(got.rows, `seed ${seed}`).toBe(want.rows);
      expect(got.error, `seed ${seed}`).toBe(want.error);
      counts.scanned += got.counts.scanned;
      counts.decoded += got.counts.decoded;
      if (want.error) counts.errors++;
    }
    // Every path was taken.
    expect(counts.scanned).toBeGreaterThan(500);
    expect(counts.decoded).toBeGreaterThan(20);
    expect(counts.errors).toBeGreaterThan(20);
  });

  it('ends with an error on an answer that is no MessagePack map (JSON from a server that ignored Accept)', () => {
    const csv = createMsgpackCsv(plan, createFormatter('csv', plan), 'q');
    const got = csv.push(Buffer.from('{"results":[{"statement_id":0}]}\n'));
    expect(got.rows).toBe(0);
    expect(got.error?.message).toContain('answered something else than MessagePack maps');
    const bad = createMsgpackCsv(plan, createFormatter('csv', plan), 'q');
    const corrupt = Buffer.concat([pack({ results: [] }).subarray(0, 9), Buffer.from([0xc1])]); // 0xc1: never used
    expect(bad.push(corrupt).error?.message).toContain("answered MessagePack that is not InfluxDB's");
  });

  it('pins a few rows, and a chunk of another shape decoded whole', () => {
    const chunks: Packable[] = [
      { results: [{ statement_id: 0, series: [{ name: 'm', columns: COLUMNS }] }] },
      {
        results: [
          {
            statement_id: 0,
            series: [
              {
                name: 'm',
                columns: COLUMNS,
                values: [
                  [T0 + 7n, true, new F64(1e-7), 9007199254740993n, 'said "hi", then\nleft', 'd', 'a,b'],
                  [T0 + 1_500_000_000n, false, new F64(-0), -(2n ** 63n), '', null, null],
                ],
              },
            ],
          },
        ],
      },
      {
        results: [{ statement_id: 0, series: [{ name: 'm', values: [[T0, new F64(1.5)]], columns: ['time', 'f'] }] }],
      },
    ];
    const got = msgpackPath(chunks, random(1));
    expect(got.text.split('\n')).toEqual([
      '2026-01-01T00:00:00.000000007Z,d,"a,b",true,1e-7,9007199254740993,"said ""hi"", then',
      'left"',
      '2026-01-01T00:00:01.5Z,,,false,0,-9223372036854775808,',
      '2026-01-01T00:00:00Z,,,,1.5,,',
      '',
    ]);
    expect(got.text).toBe(parsedPath(chunks).text);
    expect(got.counts).toEqual({ scanned: 2, decoded: 1 });
  });
});
