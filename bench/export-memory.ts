/**
 * `tidegate export` streams: its memory must not grow with the range exported. This benchmark writes
 * 1,000,000 points (BENCH_QUICK=1: 100,000) into a local InfluxDB, then measures, each in its own process
 * under /usr/bin/time (peak RSS, elapsed time):
 *   - the peer: a raw InfluxDB query of the same range over node:http (chunked=true, uncompressed as the
 *     export asks, bytes read and dropped, chunk lines counted with Buffer.indexOf, nothing parsed);
 *   - a naive exporter: the same query unchunked, the whole JSON response parsed at once;
 *   - `tidegate export` to CSV and to line protocol of the whole range, and to CSV of a tenth of it.
 * The peer, the same raw query answered in MessagePack (what the CSV export asks for: influxd encodes it
 * for less CPU), the CSV export of the whole range and an idle process (the baseline) run in interleaved
 * rounds; their medians give the rate ratio and the memory above the baseline for both sides, and each
 * round's export is also compared with the peer of the same round (steadier on a loaded machine). Each
 * side's CPU seconds (user + sys, less the idle process's) and influxd's over the same run are printed per
 * million rows: figures that hold on a loaded machine where rates do not.
 * Run: npx tsx bench/export-memory.ts (BENCH_QUICK=1: 100,000 points, the other cases skipped)
 */
import { execFile } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { type IncomingMessage, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startManagedInflux } from '../broker/influxdb/managed.js';

const run = promisify(execFile);
const QUICK = process.env.BENCH_QUICK === '1';
const POINTS = QUICK ? 100_000 : 1_000_000;
const DEVICES = 50;
const STEP_NS = 10_000_000_000n; // one reading every 10 s per device
const DB = 'bench';
const T0 = 1_767_225_600_000_000_000n; // 2026-01-01T00:00:00Z

if (process.argv[2] === 'child') {
  const [kind, url, from, to] = process.argv.slice(3) as [string, string, string, string];
  // Loading (and tsx transpiling) the exporter's modules is start-up, like tsx itself: not counted.
  if (kind.startsWith('export-')) await import('../broker/export/export.js');
  const started = performance.now();
  const rows = await child(kind, url, BigInt(from), BigInt(to));
  process.stdout.write(`${JSON.stringify({ rows, seconds: (performance.now() - started) / 1000 })}\n`);
} else {
  await main();
}

/** One measured case; the time is taken inside the process, so tsx's start-up is not counted. */
async function child(kind: string, url: string, from: bigint, to: bigint): Promise<number> {
  if (kind === 'idle') return 0;
  if (kind.startsWith('export-')) {
    const { exportMeasurement } = await import('../broker/export/export.js');
    const out = createWriteStream('/dev/null');
    const summary = await exportMeasurement(
      { url, database: DB },
      {
        measurement: 'air_quality',
        where: [],
        fromNs: from,
        toNs: to,
        fn: 'mean',
        format: kind.slice(7) as 'csv',
        chunk: '1d',
      },
      out,
      { progress: { update() {}, finish() {} } },
    );
    out.end();
    return summary.rows;
  }
  const params = new URLSearchParams({
    db: DB,
    q: `SELECT * FROM air_quality WHERE time >= ${from} AND time < ${to}`,
    epoch: 'ns',
  });
  if (kind === 'raw') {
    // The peer: node:http, the lightest reader Node has (fetch costs a third more CPU), bytes dropped.
    params.set('chunked', 'true');
    let newlines = 0;
    for await (const chunk of (await post(`${url}/query`, params.toString())) as AsyncIterable<Buffer>) {
      for (let at = chunk.indexOf(10); at >= 0; at = chunk.indexOf(10, at + 1)) newlines++; // memchr, not a JS loop
    }
    return newlines * 10_000; // InfluxDB's default chunk_size rows per JSON line (the last one may hold fewer)
  }
  if (kind === 'raw-msgpack') {
    params.set('chunked', 'true');
    let bytes = 0;
    const res = await post(`${url}/query`, params.toString(), 'application/x-msgpack');
    for await (const chunk of res as AsyncIterable<Buffer>) bytes += chunk.length;
    return bytes > 0 ? -1 : 0; // chunks are not delimited: the rows are not counted, the caller knows them
  }
  const res = await fetch(`${url}/query`, { method: 'POST', body: params, headers: { 'Accept-Encoding': 'identity' } });
  const body = JSON.parse(await res.text()) as { results: { series: { values: unknown[] }[] }[] };
  return body.results[0]!.series[0]!.values.length;
}

function post(url: string, body: string, accept = 'application/json'): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const headers = { 'Content-Type': 'application/x-www-form-urlencoded', Accept: accept };
    const req = request(url, { method: 'POST', headers });
    req.on('response', resolve).on('error', reject).end(body);
  });
}

type Result = { rows: number; seconds: number; rssMb: number; cpu: number; influxdCpu: number };

/** CPU seconds (user + system) a process has used so far, from /proc. */
function processCpu(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

async function timed(command: string[], influxdPid: number): Promise<Result> {
  const influxdBefore = processCpu(influxdPid);
  const { stdout, stderr } = await run('/usr/bin/time', ['-f', 'TIME %e %M %U %S', ...command], {
    maxBuffer: 1 << 30,
  }).catch((e: { stdout: string; stderr: string }) => ({ stdout: '{"rows":0,"seconds":0}', stderr: e.stderr ?? '' }));
  const influxdCpu = processCpu(influxdPid) - influxdBefore;
  const m = /TIME ([\d.]+) (\d+) ([\d.]+) ([\d.]+)/.exec(stderr);
  if (!m) throw new Error(`no /usr/bin/time figures in:\n${stderr}`);
  const inner = JSON.parse(stdout.trim().split('\n').pop()!) as { rows: number; seconds: number };
  return { ...inner, rssMb: Number(m[2]) / 1024, cpu: Number(m[3]) + Number(m[4]), influxdCpu };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tidegate-bench-export-'));
  const influx = await startManagedInflux({ dir });
  try {
    await fetch(`${influx.url}/query`, { method: 'POST', body: new URLSearchParams({ q: `CREATE DATABASE ${DB}` }) });
    const perDevice = POINTS / DEVICES;
    const batch: string[] = [];
    for (let i = 0; i < perDevice; i++) {
      const t = T0 + BigInt(i) * STEP_NS;
      for (let d = 0; d < DEVICES; d++) {
        batch.push(
          `air_quality,device=pm-${d},site=s${d % 5} pm2_5_ugm3=${(i % 97) + d / 10},pm10_ugm3=${i % 89},n=${i}i ${t + BigInt(d)}`,
        );
      }
      if (batch.length >= 100_000 || i === perDevice - 1) {
        const res = await fetch(`${influx.url}/write?db=${DB}&precision=ns`, {
          method: 'POST',
          body: batch.join('\n'),
        });
        if (res.status !== 204) throw new Error(`write: ${res.status} ${await res.text()}`);
        batch.length = 0;
      }
    }
    const to = T0 + BigInt(perDevice) * STEP_NS;
    const tenth = T0 + (BigInt(perDevice) * STEP_NS) / 10n;
    const self = [process.execPath, '--import', 'tsx', 'bench/export-memory.ts', 'child'];
    const measure = (kind: string, end: bigint, heapMb?: number) =>
      timed(
        [
          ...(heapMb ? [process.execPath, `--max-old-space-size=${heapMb}`, ...self.slice(1)] : self),
          kind,
          influx.url,
          String(T0),
          String(end),
        ],
        influx.child.pid!,
      );
    const rounds = { peer: [] as Result[], msgpack: [] as Result[], csv: [] as Result[], idle: [] as Result[] };
    for (let r = 0; r < 5; r++) {
      rounds.peer.push({ ...(await measure('raw', to)), rows: POINTS });
      rounds.msgpack.push({ ...(await measure('raw-msgpack', to)), rows: POINTS });
      rounds.csv.push(await measure('export-csv', to));
      rounds.idle.push(await measure('idle', to));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const mid = (rs: Result[]): Result => ({
      rows: rs[0]!.rows,
      seconds: median(rs.map((x) => x.seconds)),
      rssMb: median(rs.map((x) => x.rssMb)),
      cpu: median(rs.map((x) => x.cpu)),
      influxdCpu: median(rs.map((x) => x.influxdCpu)),
    });
    const peerMid = mid(rounds.peer);
    const msgpackMid = mid(rounds.msgpack);
    const csvMid = mid(rounds.csv);
    const idleMid = mid(rounds.idle);
    console.log(
      `\nexport-memory: ${POINTS.toLocaleString('en')} points, ${DEVICES} series, median of ${rounds.peer.length} interleaved rounds${QUICK ? ' (quick mode)' : ''}`,
    );
    const perMillion = 1_000_000 / POINTS;
    console.log(
      `| side | rows/s | peak RSS MB | above the baseline (${idleMid.rssMb.toFixed(0)} MB, idle node + tsx) | CPU s per 1M rows above the idle process's ${idleMid.cpu.toFixed(2)} s | influxd CPU s per 1M rows |\n|---|---:|---:|---:|---:|---:|`,
    );
    for (const [name, c] of [
      ['InfluxDB raw query, chunked JSON (peer)', peerMid],
      ['the same query in MessagePack', msgpackMid],
      ['tidegate export csv, full range', csvMid],
    ] as const)
      console.log(
        `| ${name} | ${Math.round(c.rows / c.seconds)} | ${c.rssMb.toFixed(0)} | ${(c.rssMb - idleMid.rssMb).toFixed(0)} MB | ${((c.cpu - idleMid.cpu) * perMillion).toFixed(2)} | ${(c.influxdCpu * perMillion).toFixed(2)} |`,
      );
    const rate = (c: Result) => c.rows / c.seconds;
    console.log(
      `ratios, export / peer: rate ${(rate(csvMid) / rate(peerMid)).toFixed(2)}× (${(rate(csvMid) / rate(msgpackMid)).toFixed(2)}× the MessagePack query), memory above the baseline ${((csvMid.rssMb - idleMid.rssMb) / Math.max(1, peerMid.rssMb - idleMid.rssMb)).toFixed(2)}×`,
    );
    console.log(
      `rounds (s): peer ${rounds.peer.map((x) => x.seconds.toFixed(1)).join(', ')}; MessagePack ${rounds.msgpack.map((x) => x.seconds.toFixed(1)).join(', ')}; csv ${rounds.csv.map((x) => x.seconds.toFixed(1)).join(', ')}`,
    );
    // Each round's export against the peer measured just before it: steadier than a ratio of medians when
    // the machine's load moves between rounds.
    const rateRatios = rounds.csv.map((c, r) => c.rows / c.seconds / (rounds.peer[r]!.rows / rounds.peer[r]!.seconds));
    const memoryRatios = rounds.csv.map(
      (c, r) => (c.rssMb - rounds.idle[r]!.rssMb) / Math.max(1, rounds.peer[r]!.rssMb - rounds.idle[r]!.rssMb),
    );
    console.log(
      `per round, export / peer: rate ${rateRatios.map((x) => x.toFixed(2)).join(', ')} (median ${median(rateRatios).toFixed(2)}×); memory above the baseline ${memoryRatios.map((x) => x.toFixed(2)).join(', ')} (median ${median(memoryRatios).toFixed(2)}×)`,
    );
    if (QUICK) return;

    const cases: ({ name: string } & Result)[] = [];
    cases.push({ name: 'InfluxDB raw query, chunked (peer)', ...peerMid });
    cases.push({ name: 'naive: unchunked, JSON.parse', ...(await measure('naive', to)) });
    cases.push({ name: 'tidegate export csv, 1/10 range', ...(await measure('export-csv', tenth)) });
    cases.push({ name: 'tidegate export csv, full range', ...csvMid });
    cases.push({ name: 'tidegate export jsonl, full range', ...(await measure('export-jsonl', to)) });
    cases.push({ name: 'tidegate export lp, full range', ...(await measure('export-lp', to)) });
    // With the JS heap capped, an exporter that holds the range cannot finish; one that streams can.
    const CAP_MB = 48;
    const cappedNaive = await measure('naive', to, CAP_MB);
    const cappedExport = await measure('export-csv', to, CAP_MB);
    const idle = idleMid;

    const peer = cases[0]!;
    console.log(
      `\nexport-memory: ${POINTS.toLocaleString('en')} points, ${DEVICES} series${QUICK ? ' (quick mode)' : ''}\n`,
    );
    console.log(
      'case                                      rows   seconds     rows/s  peak RSS MB  rate vs peer  RSS vs peer',
    );
    for (const c of cases) {
      const rate = c.rows / c.seconds;
      console.log(
        `${c.name.padEnd(34)} ${c.rows.toLocaleString('en').padStart(11)} ${c.seconds.toFixed(2).padStart(9)} ${Math.round(rate).toLocaleString('en').padStart(10)} ${c.rssMb.toFixed(0).padStart(12)} ${(rate / (peer.rows / peer.seconds)).toFixed(2).padStart(13)} ${(c.rssMb / peer.rssMb).toFixed(2).padStart(12)}`,
      );
    }
    const small = cases[2]!;
    const full = cases[3]!;
    console.log(`\nan idle node + tsx process peaks at ${idle.rssMb.toFixed(0)} MB RSS; above that:`);
    for (const c of cases) console.log(`  ${c.name.padEnd(34)} ${(c.rssMb - idle.rssMb).toFixed(0).padStart(5)} MB`);
    console.log(`with the JS heap capped at ${CAP_MB} MB (--max-old-space-size):`);
    for (const [name, c] of [
      ['naive: unchunked, JSON.parse', cappedNaive],
      ['tidegate export csv, full range', cappedExport],
    ] as const) {
      console.log(
        `  ${name.padEnd(34)} ${c.rows === 0 ? 'failed (out of memory)' : `${c.rows.toLocaleString('en')} rows, ${Math.round(c.rows / c.seconds).toLocaleString('en')} rows/s, peak RSS ${c.rssMb.toFixed(0)} MB`}`,
      );
    }
    console.log(
      `tidegate export from 1/10 to the full range: ${(full.rssMb - small.rssMb).toFixed(0)} MB more for ${((full.rows - small.rows) / 1000).toFixed(0)}k more rows`,
    );
  } finally {
    await influx.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
