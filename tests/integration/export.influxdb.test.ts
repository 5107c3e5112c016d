import { execFile } from 'node:child_process';
import { PassThrough, Writable } from 'node:stream';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { exportMeasurement } from '../../broker/export/export.js';
import type { ExportRequest } from '../../broker/export/request.js';
import type { InfluxConnection } from '../../broker/schema/index.js';
import { decodeLines } from '../../wire/index.js';
import { useInflux } from '../harness/index.js';

const influx = useInflux();
const DB = 'exportdb';
const conn = (database = DB): InfluxConnection => ({ url: influx().url, database });
const T0 = 1_767_225_600_000_000_000n; // 2026-01-01T00:00:00Z
const MIN = 60_000_000_000n;
const at = (minutes: number) => T0 + BigInt(minutes) * MIN;
const noProgress = { update() {}, finish() {} };

/**
 * Two sensors, readings every 20 minutes for 3 hours, interleaved in time; pm-2 also carries awkward values:
 * a tag value with a space and a comma, a string with quotes, a comma and a newline, an integer above 2^53,
 * a float that is whole, a boolean, and one nanosecond-precise timestamp.
 */
const LINES: string[] = [];
for (let i = 0; i < 9; i++) {
  LINES.push(`air_quality,device=pm-1,site=port pm2_5_ugm3=${10 + i},pm10_ugm3=${20 + i},count=${i}i ${at(20 * i)}`);
  LINES.push(
    `air_quality,device=pm-2,site=old\\ town\\,north pm2_5_ugm3=${100 + i},pm10_ugm3=3.0,count=9007199254740993i,ok=true,note="said \\"hi\\", then\nleft" ${at(20 * i + 10) + 7n}`,
  );
}

async function run(request: Partial<ExportRequest>): Promise<string> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  await exportMeasurement(
    conn(),
    {
      measurement: 'air_quality',
      where: [],
      fromNs: T0,
      toNs: at(180),
      fn: 'mean',
      format: 'csv',
      chunk: '1h',
      ...request,
    },
    out,
    { progress: noProgress },
  );
  out.end();
  return Buffer.concat(chunks).toString('utf8');
}

describe('tidegate export against a real InfluxDB', () => {
  it('writes CSV in time order across series, with tags and fields as columns, across query windows', async () => {
    await influx().createDatabase(DB);
    const res = await influx().write(DB, LINES.join('\n'));
    expect(res.status, res.body).toBe(204);

    const csv = await run({ format: 'csv', fields: ['pm2_5_ugm3', 'count'] });
    const lines = csv.trimEnd().split('\n');
    expect(lines[0]).toBe('time,device,site,pm2_5_ugm3,count');
    expect(lines).toHaveLength(1 + 18); // three 1-hour windows, nothing lost or repeated at their edges
    expect(lines[1]).toBe('2026-01-01T00:00:00Z,pm-1,port,10,0');
    expect(lines[2]).toBe('2026-01-01T00:10:00.000000007Z,pm-2,"old town,north",100,9007199254740993');
    const times = lines.slice(1).map((l) => l.split(',')[0]!);
    expect([...times].sort()).toEqual(times);
  });

  it('quotes CSV cells holding commas, quotes and newlines', async () => {
    const csv = await run({ format: 'csv', fields: ['note'], where: [{ tag: 'device', value: 'pm-2' }], toNs: at(20) });
    expect(csv).toBe(
      'time,device,site,note\n2026-01-01T00:10:00.000000007Z,pm-2,"old town,north","said ""hi"", then\nleft"\n',
    );
  });

  it('writes JSON lines with exact integers, whole floats as numbers, booleans, and no nulls', async () => {
    const jsonl = await run({ format: 'jsonl', toNs: at(20) });
    const lines = jsonl.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0]!)).toEqual({
      time: '2026-01-01T00:00:00Z',
      device: 'pm-1',
      site: 'port',
      count: 0,
      pm10_ugm3: 20,
      pm2_5_ugm3: 10,
    });
    expect(lines[1]).toContain('"count":9007199254740993'); // above 2^53, not rounded
    expect(JSON.parse(lines[1]!)).toMatchObject({
      device: 'pm-2',
      site: 'old town,north',
      ok: true,
      note: 'said "hi", then\nleft',
      pm10_ugm3: 3,
    });
  });

  it('writes line protocol that InfluxDB takes back as the same points, types included', async () => {
    const lp = await run({ format: 'lp' });
    const decoded = decodeLines(lp);
    expect(decoded.errors).toEqual([]);
    expect(decoded.readings).toHaveLength(18);
    await influx().createDatabase('copy');
    const res = await influx().write('copy', lp);
    expect(res.status, res.body).toBe(204);
    const q = 'SELECT * FROM air_quality';
    expect((await influx().query(q, 'copy')).results).toEqual((await influx().query(q, DB)).results);
    const types = await influx().rows('SHOW FIELD KEYS FROM air_quality', 'copy');
    expect(Object.fromEntries(types.map((t) => [t.fieldKey, t.fieldType]))).toEqual({
      count: 'integer',
      note: 'string',
      ok: 'boolean',
      pm10_ugm3: 'float',
      pm2_5_ugm3: 'float',
    });
  });

  it('aggregates per step and tag set, with values computed by hand', async () => {
    const csv = await run({ every: '1h', fn: 'mean', fields: ['pm2_5_ugm3'], chunk: '2h' });
    expect(csv.trimEnd().split('\n')).toEqual([
      'time,device,site,mean_pm2_5_ugm3',
      '2026-01-01T00:00:00Z,pm-1,port,11', // 10, 11, 12
      '2026-01-01T00:00:00Z,pm-2,"old town,north",101',
      '2026-01-01T01:00:00Z,pm-1,port,14', // 13, 14, 15
      '2026-01-01T01:00:00Z,pm-2,"old town,north",104',
      '2026-01-01T02:00:00Z,pm-1,port,17',
      '2026-01-01T02:00:00Z,pm-2,"old town,north",107',
    ]);
    const summed = await run({
      every: '1h',
      fn: 'sum',
      fields: ['count'],
      groupBy: [],
      where: [{ tag: 'device', value: 'pm-1' }],
      format: 'lp',
    });
    expect(summed).toBe(
      `air_quality sum_count=3i ${at(0)}\nair_quality sum_count=12i ${at(60)}\nair_quality sum_count=21i ${at(120)}\n`,
    );
  });

  it('names the option that is wrong', async () => {
    await expect(run({ fields: ['pm25'] })).rejects.toThrow('--fields: "pm25" is not a field of air_quality');
    await expect(run({ where: [{ tag: 'room', value: 'a' }] })).rejects.toThrow(
      '--where: "room" is not a tag of air_quality',
    );
    await expect(run({ measurement: 'nothing' })).rejects.toThrow('--measurement: "nothing" has no fields');
    await expect(run({ every: '1h', fields: ['note'] })).rejects.toThrow('--fn mean: field "note" holds strings');
  });

  it('ends with the output error, instead of waiting forever, when the output breaks', async () => {
    const broken = new Writable({
      highWaterMark: 1,
      write(_chunk, _encoding, callback) {
        callback(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    await expect(
      exportMeasurement(
        conn(),
        { measurement: 'air_quality', where: [], fromNs: T0, toNs: at(180), fn: 'mean', format: 'csv', chunk: '1h' },
        broken,
        { progress: noProgress },
      ),
    ).rejects.toThrow('write EPIPE');
  });

  it('says when InfluxDB cannot be reached', async () => {
    await expect(
      exportMeasurement(
        { url: 'http://127.0.0.1:1', database: DB },
        { measurement: 'air_quality', where: [], fromNs: T0, toNs: at(180), fn: 'mean', format: 'csv', chunk: '1h' },
        new PassThrough(),
        { progress: noProgress },
      ),
    ).rejects.toThrow('cannot reach http://127.0.0.1:1');
  });

  it('runs as `tidegate export` and writes to stdout', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [
      'bin/tidegate.js',
      'export',
      '--influx-url',
      influx().url,
      '--database',
      DB,
      '-m',
      'air_quality',
      '--from',
      '2026-01-01',
      '--to',
      '2026-01-01T00:30:00Z',
      '--where',
      'device=pm-1',
      '--fields',
      'pm2_5_ugm3',
      '--format',
      'jsonl',
    ]);
    expect(
      stdout
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l).pm2_5_ugm3),
    ).toEqual([10, 11]);
  });
});
