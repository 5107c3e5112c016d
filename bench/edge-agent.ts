/**
 * Edge agent footprint (npx tsx bench/edge-agent.ts; BENCH_QUICK=1 for a quick run): the real
 * `tidegate edge` process with 20 SDS011 sensors on 20 socat PTY pairs, each sending one frame per
 * second, publishing to aedes. Peers, measured in the same run, rounds interleaved: the same agent with
 * no devices, that idle agent run from the TypeScript sources through tsx (how it ran before dist/), and
 * the loaded agent with V8's optimizing and baseline compilers (what bin/tidegate.js turns off for `edge`).
 * Figures: resident memory at the end (VmRSS), split into anonymous memory (V8's heap, malloc, stacks)
 * and file pages (mostly the node binary's code and data, shared with other node processes), its peak
 * over the process's life (VmHWM), CPU time (utime + stime) over the window. `npm run build` first: the agent runs dist/.
 */
import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { startAedes } from '../tests/harness/aedes.js';
import { removeTempDir, spawnService, tempDir } from '../tests/harness/cleanup.js';
import { type PtyPair, startPtyPair } from '../tests/harness/socat.js';

const quick = process.env.BENCH_QUICK === '1';
const DEVICES = 20;
const windowS = quick ? 15 : 60;
const rounds = quick ? 1 : 3;
const CLI = new URL('../bin/tidegate.js', import.meta.url).pathname;
const SOURCE_CLI = new URL('../bin/cli.ts', import.meta.url).pathname;
/** tsx: the TypeScript sources through tsx; jit: dist/ with V8's optimizing compilers (bin/tidegate.js's flags off). */
type Runtime = 'compiled' | 'tsx' | 'jit';
const CLK_TCK = 100;

/** An SDS011 data frame: AA C0 PM2.5(le) PM10(le) ID(2) checksum AB. */
function frame(pm25: number, pm10: number): Buffer {
  const data = [pm25 & 0xff, pm25 >> 8, pm10 & 0xff, pm10 >> 8, 0xa1, 0x60];
  return Buffer.from([0xaa, 0xc0, ...data, data.reduce((a, b) => a + b, 0) & 0xff, 0xab]);
}

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/** RSS, its peak, and how much of it is anonymous memory (heaps, stacks) vs file pages (node's code). */
function memoryMiB(pid: number): { rss: number; peak: number; anon: number } {
  const read = (file: string) => readFileSync(`/proc/${pid}/${file}`, 'utf8');
  const kb = (text: string, key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(text)?.[1]) / 1024;
  const status = read('status');
  return { rss: kb(status, 'VmRSS'), peak: kb(status, 'VmHWM'), anon: kb(read('smaps_rollup'), 'Anonymous') };
}

async function measure(devices: PtyPair[], url: string, received: () => number, runtime: Runtime) {
  const dir = tempDir('tidegate-bench-agent-');
  const config = join(dir, 'gateway.yaml');
  writeFileSync(
    config,
    `gateway: { id: gw-bench }
mqtt: { url: ${url} }
buffer: { path: ${join(dir, 'buffer.db')} }
clock: { check: year }
health: { listen: '127.0.0.1:0', logLevel: warn }
devices:
${devices.map((p, i) => `  - { id: pm-${i}, driver: sds011, port: ${p.a} }`).join('\n') || '  []'}
`,
  );
  const args = runtime === 'tsx' ? ['--import', 'tsx', SOURCE_CLI] : [CLI];
  const env = { ...process.env, ...(runtime === 'jit' ? { TIDEGATE_EDGE_V8_FLAGS: '--max-semi-space-size=1' } : {}) };
  const agent = spawnService('node', [...args, 'edge', '--config', config], { env });
  const pid = agent.child.pid!;
  const fds = devices.map((p) => openSync(p.b, 'w'));
  const send = () => {
    for (const [i, fd] of fds.entries()) writeSync(fd, frame(100 + i, 200 + i));
  };
  await new Promise((r) => setTimeout(r, 5000)); // start-up is not the steady state
  const before = { cpu: cpuSeconds(pid), received: received() };
  for (let s = 0; s < windowS; s++) {
    send();
    await new Promise((r) => setTimeout(r, 1000));
  }
  const after = { cpu: cpuSeconds(pid), ...memoryMiB(pid), received: received() };
  for (const fd of fds) closeSync(fd);
  await agent.stop();
  removeTempDir(dir);
  return {
    cpuPct: ((after.cpu - before.cpu) / windowS) * 100,
    rss: after.rss,
    peak: after.peak,
    anon: after.anon,
    readings: after.received - before.received,
  };
}

type Result = Awaited<ReturnType<typeof measure>>;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const medianOf = (rs: Result[]): Result => ({
  cpuPct: median(rs.map((r) => r.cpuPct)),
  rss: median(rs.map((r) => r.rss)),
  peak: median(rs.map((r) => r.peak)),
  anon: median(rs.map((r) => r.anon)),
  readings: median(rs.map((r) => r.readings)),
});

const aedes = await startAedes();
let received = 0;
aedes.broker.on('publish', (packet, client) => {
  if (client && packet.topic.includes('/data/')) received += packet.payload.toString().split('\n').length;
});
const pairs = await Promise.all(Array.from({ length: DEVICES }, () => startPtyPair()));
const runs = { loaded: [] as Result[], loadedJit: [] as Result[], idle: [] as Result[], idleTsx: [] as Result[] };
for (let r = 0; r < rounds; r++) {
  runs.idle.push(await measure([], aedes.url, () => received, 'compiled'));
  runs.idleTsx.push(await measure([], aedes.url, () => received, 'tsx'));
  runs.loaded.push(await measure(pairs, aedes.url, () => received, 'compiled'));
  runs.loadedJit.push(await measure(pairs, aedes.url, () => received, 'jit'));
}
const loaded = medianOf(runs.loaded);
const loadedJit = medianOf(runs.loadedJit);
const idle = medianOf(runs.idle);
const idleTsx = medianOf(runs.idleTsx);
for (const p of pairs) await p.dispose();
await aedes.stop();

const f = (x: number, d = 1) => x.toFixed(d).padStart(8);
const row = (name: string, r: Result) =>
  console.log(
    `| ${name.padEnd(36)} | ${f(r.rss)} | ${f(r.peak)} | ${f(r.anon)} | ${f(r.rss - r.anon)} | ${f(r.cpuPct, 2)} | ${String(r.readings).padStart(18)} |`,
  );
console.log(
  `edge agent footprint${quick ? ' (quick)' : ''}: ${windowS} s window, ${DEVICES} SDS011 over socat PTYs at 1 Hz, median of ${rounds} interleaved round(s)`,
);
console.log(
  '| agent                                |  RSS MiB | peak MiB | anon MiB | file MiB |   CPU % | readings published |',
);
console.log(
  '|--------------------------------------|---------:|---------:|---------:|---------:|--------:|-------------------:|',
);
row('20 devices at 1 Hz (dist/)', loaded);
row('20 devices, V8 compilers on (dist/)', loadedJit);
row('no devices (dist/)', idle);
row('no devices, sources through tsx', idleTsx);
console.log(
  `ratios: loaded/idle RSS ${(loaded.rss / idle.rss).toFixed(2)}×, CPU ${(loaded.cpuPct / Math.max(idle.cpuPct, 0.01)).toFixed(1)}× (CPU % of one core); compiled/tsx idle RSS ${(idle.rss / idleTsx.rss).toFixed(2)}×, peak ${(idle.peak / idleTsx.peak).toFixed(2)}×`,
);
console.log(
  `without/with V8's compilers (20 devices): RSS ${(loaded.rss / loadedJit.rss).toFixed(2)}×, peak ${(loaded.peak / loadedJit.peak).toFixed(2)}×, CPU ${(loaded.cpuPct / Math.max(loadedJit.cpuPct, 0.01)).toFixed(2)}×`,
);
process.exit(0);
