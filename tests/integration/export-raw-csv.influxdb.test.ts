import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { exportMeasurement } from '../../broker/export/export.js';
import { createFormatter } from '../../broker/export/formats.js';
import { createMsgpackCsv } from '../../broker/export/msgpack-csv.js';
import { type ExportPlan, planExport } from '../../broker/export/plan.js';
import { rawRows } from '../../broker/export/rows.js';
import { parseChunk, queryLines, queryMsgpack } from '../../broker/export/stream.js';
import type { InfluxConnection } from '../../broker/schema/index.js';
import { useInflux } from '../harness/index.js';

/**
 * The raw CSV path reads InfluxDB's chunked MessagePack answer instead of parsing its JSON. The same query is
 * read both ways from the real influxd here, and the two outputs must be the same bytes; a few rows are also
 * pinned.
 */
const influx = useInflux();
const DB = 'rawcsv';
const conn = (): InfluxConnection => ({ url: influx().url, database: DB });
const T0 = 1_767_225_600_000_000_000n; // 2026-01-01T00:00:00Z

/** Field values that are hard to carry: CSV quoting, JSON escapes, int64 limits, float printing. */
const STRINGS = [
  'plain',
  'said "hi", then\nleft',
  'a\r\nb',
  'back\\slash',
  ' leading space',
  '\\.',
  '',
  'x"values":[1,2]',
  'é ü 雨 🌧',
  'tab\there',
];
const INTEGERS = ['9007199254740993', '-9223372036854775808', '9223372036854775807', '0', '-1', '42'];
const FLOATS = ['1e-7', '1e21', '-0', '0.1', '123456789012345680000', '5e-324', '1.7976931348623157e308', '2', '-3.5'];

function awkwardLines(): string[] {
  const lines: string[] = [];
  const lpString = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
  for (let i = 0; i < 30; i++) {
    const fields = [
      `s="${lpString(STRINGS[i % STRINGS.length]!)}"`,
      `i=${INTEGERS[i % INTEGERS.length]}i`,
      `f=${FLOATS[i % FLOATS.length]}`,
      `b=${i % 2 === 0}`,
    ].filter((_, k) => (i + k) % 5 !== 0); // some rows miss one field: an empty cell
    const site = ['port', 'old\\ town\\,north', 'a\\=b', 'q"uote'][i % 4];
    const tags = i % 7 === 3 ? `device=d${i % 3}` : `device=d${i % 3},site=${site}`; // some rows miss a tag
    lines.push(`m,${tags} ${fields.join(',')} ${T0 + BigInt(i) * 1_000_000_007n}`);
  }
  return lines;
}

/** The CSV of the MessagePack answer (in the pieces the network cut) and of the JSON answer parsed. */
async function bothWays(plan: ExportPlan, statement: string, chunkSize: number) {
  const formatter = createFormatter('csv', plan);
  const csv = createMsgpackCsv(plan, formatter, statement);
  const pieces: Buffer[] = [];
  let rows = 0;
  const take = (chunk: { bytes: Buffer; rows: number; error?: Error }) => {
    if (chunk.error) throw chunk.error;
    pieces.push(chunk.bytes);
    rows += chunk.rows;
  };
  for await (const piece of queryMsgpack(conn(), statement, chunkSize)) take(csv.push(piece));
  take(csv.end());
  let parsed = '';
  let chunks = 0;
  for await (const line of queryLines(conn(), statement, chunkSize)) {
    chunks++;
    for (const result of parseChunk(line, statement))
      for (const row of rawRows(plan, result)) parsed += formatter.row(row);
  }
  const scanned = Buffer.concat(pieces);
  return { scanned: scanned.toString('utf8'), bytes: scanned, parsed, rows, chunks, counts: csv.counts };
}

async function rawPlan(measurement = 'm'): Promise<ExportPlan> {
  const request = { measurement, where: [], fromNs: T0, toNs: T0 + 10n ** 12n, fn: 'mean', format: 'csv', chunk: '1d' };
  return planExport(conn(), request as Parameters<typeof planExport>[1]);
}

describe('raw CSV export read from InfluxDB MessagePack', () => {
  it('writes the bytes of the parsed JSON path for quotes, escapes, int64 limits, floats and missing values, chunk after chunk', async () => {
    await influx().createDatabase(DB);
    const res = await influx().write(DB, awkwardLines().join('\n'));
    expect(res.status, res.body).toBe(204);
    const plan = await rawPlan();
    expect(plan.fields.map((f) => `${f.name}:${f.type}`)).toEqual(['b:boolean', 'f:float', 'i:integer', 's:string']);

    const got = await bothWays(plan, plan.windows[0]!.statement, 4);
    expect(got.rows).toBe(30);
    expect(got.chunks).toBe(8); // chunks of 4 rows, so values cross chunk lines
    expect(got.counts).toEqual({ scanned: 8, decoded: 0 });
    expect(got.bytes.equals(Buffer.from(got.parsed))).toBe(true);
    const lines = got.scanned.split('\n');
    expect(lines.slice(0, 4)).toEqual([
      '2026-01-01T00:00:00Z,d0,port,true,1e-7,9007199254740993,', // beyond 2^53, exact; no string: empty
      '2026-01-01T00:00:01.000000007Z,d1,"old town,north",false,1e+21,-9223372036854775808,"said ""hi"", then',
      'left"',
      '2026-01-01T00:00:02.000000014Z,d2,a=b,,0,9223372036854775807,"a\r', // -0 printed as JavaScript does
    ]);
    expect(got.scanned).toContain('Z,d0,,false,,0,back\\slash\n'); // no site tag, no float
    expect(got.scanned).toContain(',"q""uote",,2,-9223372036854775808,"x""values"":[1,2]"\n');
    expect(got.scanned).toContain(',true,123456789012345680000,, leading space\n');
  });

  it('prints 2,000 random doubles exactly as JavaScript does', async () => {
    const values: number[] = [];
    const view = new DataView(new ArrayBuffer(8));
    for (let i = 0; values.length < 2000; i++) {
      view.setUint32(0, (Math.random() * 2 ** 32) >>> 0);
      view.setUint32(4, (Math.random() * 2 ** 32) >>> 0);
      const x = i % 2 === 0 ? view.getFloat64(0) : Math.random() * 10 ** Math.floor(Math.random() * 40 - 20);
      if (Number.isFinite(x)) values.push(x);
    }
    const lines = values.map((x, i) => `floats,device=r${i % 3} x=${x} ${T0 + BigInt(i)}`);
    const res = await influx().write(DB, lines.join('\n'));
    expect(res.status, res.body).toBe(204);
    const plan = await rawPlan('floats');
    const got = await bothWays(plan, plan.windows[0]!.statement, 500);
    expect(got.counts).toEqual({ scanned: 4, decoded: 0 });
    expect(got.scanned).toBe(got.parsed);
    const cells = got.scanned
      .trimEnd()
      .split('\n')
      .map((l) => l.split(',')[2]);
    expect(cells).toEqual(values.map((x) => String(x === 0 ? 0 : x)));
  });

  it('reads several series in one answer, each with its own columns and tags', async () => {
    const plan = await rawPlan();
    // Not a statement the export makes (it never groups raw rows, and a chunk holds one series), but the
    // same shape with many series: an unchunked answer grouped by site.
    const statement = `${plan.windows[0]!.statement} GROUP BY "site"`;
    const answer = async (accept: string) => {
      const params = new URLSearchParams({ db: DB, q: statement, epoch: 'ns' });
      const res = await fetch(`${influx().url}/query`, { method: 'POST', body: params, headers: { Accept: accept } });
      return Buffer.from(await res.arrayBuffer());
    };
    const line = (await answer('application/json')).toString().trimEnd();
    expect(line.match(/"values":\[/g)).toHaveLength(5); // four sites and the rows without one
    const formatter = createFormatter('csv', plan);
    const csv = createMsgpackCsv(plan, formatter, statement);
    const chunk = csv.push(await answer('application/x-msgpack'));
    let parsed = '';
    for (const result of parseChunk(line, statement))
      for (const row of rawRows(plan, result)) parsed += formatter.row(row);
    expect(chunk.rows).toBe(30);
    expect(chunk.bytes.toString()).toBe(parsed);
    expect(csv.end().rows).toBe(0);
    expect(csv.counts).toEqual({ scanned: 1, decoded: 0 });
    expect(chunk.lastTime).toBe(T0 + 27n * 1_000_000_007n); // the last row of the last series (q"uote)
  });

  it('ends with the error InfluxDB reports inside a chunk, which its CSV answer would have dropped', async () => {
    const plan = await rawPlan();
    const statement = `SELECT "f"::field FROM m WHERE time >= ${T0}`;
    const pieces = queryMsgpack({ url: influx().url, database: 'missing' }, statement);
    const csv = createMsgpackCsv(plan, createFormatter('csv', plan), statement);
    const chunk = csv.push((await pieces.next()).value as Buffer);
    expect(chunk.rows).toBe(0);
    expect(chunk.error?.message).toContain('database not found: missing');
    // A statement InfluxDB cannot parse is answered 400 with its error in MessagePack too.
    await expect(queryMsgpack(conn(), 'SELEC "f" FROM m').next()).rejects.toThrow(/error parsing query/);
    // What InfluxDB 1.6 answers the same query with Accept: application/csv: 200 and nothing.
    const params = new URLSearchParams({ db: 'missing', q: statement, chunked: 'true', epoch: 'ns' });
    const res = await fetch(`${influx().url}/query`, {
      method: 'POST',
      body: params,
      headers: { Accept: 'application/csv' },
    });
    expect([res.status, await res.text()]).toEqual([200, '']);
  });

  it('refuses an answer in JSON from a server that ignores the Accept header', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"results":[{"statement_id":0}]}\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const pieces = queryMsgpack({ url: `http://127.0.0.1:${port}`, database: DB }, 'SELECT * FROM m');
      await expect(pieces.next()).rejects.toThrow('answered application/json where MessagePack was asked for');
    } finally {
      server.close();
    }
  });

  it("writes invalid UTF-8 as InfluxDB's JSON carries it (each bad byte as U+FFFD)", async () => {
    const body = Buffer.concat([
      Buffer.from('utf,device=a'),
      Buffer.from([0xe2, 0x82]), // a cut sequence: two bad bytes for Go
      Buffer.from(' s="x'),
      Buffer.from([0xe2, 0x82, 0x79, 0xff, 0x2c, 0xed, 0xa0, 0x80, 0xf0, 0x9f, 0x8c, 0xa7, 0xc0, 0xaf]),
      Buffer.from(`" ${T0}`),
    ]);
    const res = await fetch(`${influx().url}/write?db=${DB}&precision=ns`, { method: 'POST', body });
    expect(res.status).toBe(204);
    const plan = await rawPlan('utf');
    const got = await bothWays(plan, plan.windows[0]!.statement, 500);
    expect(got.counts).toEqual({ scanned: 1, decoded: 0 });
    expect(got.scanned).toBe(got.parsed);
    expect(got.scanned).toBe(
      '2026-01-01T00:00:00Z,a\ufffd\ufffd,"x\ufffd\ufffdy\ufffd,\ufffd\ufffd\ufffd🌧\ufffd\ufffd"\n',
    );
  });

  it("ends with InfluxDB's error when the query is killed mid-export, where InfluxDB's CSV ends quietly", async () => {
    await influx().createDatabase(DB);
    const lines: string[] = [];
    for (let i = 0; i < 100_000; i++)
      lines.push(`long,device=d${i % 10} v=${i},note="${'x'.repeat(40)}" ${T0 + BigInt(i) * 1_000_000n}`);
    expect((await influx().write(DB, lines.join('\n'))).status).toBe(204);
    const killRunningSelect = async () => {
      const shown = await influx().query('SHOW QUERIES', DB);
      const running = (shown.results[0]?.series?.[0]?.values ?? []).find((v) => String(v[1]).startsWith('SELECT'));
      expect(running, JSON.stringify(shown)).toBeDefined();
      await influx().query(`KILL QUERY ${running![0]}`, DB);
    };

    // The export's output stops taking rows after the first ones, so the query stays running, then is killed.
    let written = 0;
    let resume: (() => void) | undefined;
    const output = new Writable({
      highWaterMark: 1,
      write(chunk: Buffer, _encoding, callback) {
        written += chunk.length;
        if (written > 50_000 && !resume) resume = callback;
        else callback();
      },
    });
    const request_ = { measurement: 'long', where: [], fromNs: T0, toNs: T0 + 10n ** 12n, fn: 'mean' as const };
    const exported = exportMeasurement(conn(), { ...request_, format: 'csv', chunk: '1d' }, output, {
      progress: { update() {}, finish() {} },
    });
    exported.catch(() => {});
    await expect.poll(() => resume !== undefined).toBe(true);
    await killRunningSelect();
    resume!();
    await expect(exported).rejects.toThrow('query interrupted');
    expect(written).toBeLessThan(100_000 * 60); // it did end early

    // The same query as CSV from InfluxDB, read after the kill: the rows so far, then nothing to say why.
    const params = new URLSearchParams({ db: DB, q: 'SELECT * FROM long', chunked: 'true', chunk_size: '500' });
    const res = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
      const req = request(`${influx().url}/query`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/csv' },
      });
      req.on('response', resolve).on('error', reject).end(params.toString());
    });
    res.pause();
    await new Promise((r) => setTimeout(r, 300));
    await killRunningSelect();
    let csv = '';
    for await (const b of res) csv += b;
    expect(res.statusCode).toBe(200);
    const rows = csv.trimEnd().split('\n');
    expect(rows.length).toBeGreaterThan(1);
    expect(rows.length).toBeLessThan(100_000);
    expect(csv).not.toContain('interrupted');
  });
});
