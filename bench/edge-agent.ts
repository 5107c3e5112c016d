/**
 * Edge agent footprint (npx tsx bench/edge-agent.ts; BENCH_QUICK=1 for a quick run): the real
 * `tidegate edge` process with 20 SDS011 sensors on 20 socat PTY pairs, each sending one frame per
 * second, publishing to aedes. Peer: the same agent with no devices, measured in the same run.
 * Figures: resident memory (VmRSS) at the end, CPU time (utime + stime) over the window.
 */
import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { startAedes } from '../tests/harness/aedes.js';
import { removeTempDir, spawnService, tempDir } from '../tests/harness/cleanup.js';
import { type PtyPair, startPtyPair } from '../tests/harness/socat.js';

const quick = process.env.BENCH_QUICK === '1';
const DEVICES = 20;
const windowS = quick ? 15 : 60;
const CLI = new URL('../bin/tidegate.js', import.meta.url).pathname;
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

function rssMiB(pid: number): number {
  const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) / 1024;
}

async function measure(devices: PtyPair[], url: string, received: () => number) {
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
  const agent = spawnService('node', [CLI, 'edge', '--config', config]);
  const pid = agent.child.pid!;
  const fds = devices.map((p) => openSync(p.b, 'w'));
  const send = () => {
    for (const [i, fd] of fds.entries()) writeSync(fd, frame(100 + i, 200 + i));
  };
  await new Promise((r) => setTimeout(r, 5000)); // start-up (tsx transpiling) is not the steady state
  const before = { cpu: cpuSeconds(pid), received: received() };
  for (let s = 0; s < windowS; s++) {
    send();
    await new Promise((r) => setTimeout(r, 1000));
  }
  const after = { cpu: cpuSeconds(pid), rss: rssMiB(pid), received: received() };
  for (const fd of fds) closeSync(fd);
  await agent.stop();
  removeTempDir(dir);
  return {
    cpuPct: ((after.cpu - before.cpu) / windowS) * 100,
    rss: after.rss,
    readings: after.received - before.received,
  };
}

const aedes = await startAedes();
let received = 0;
aedes.broker.on('publish', (packet, client) => {
  if (client && packet.topic.includes('/data/')) received += packet.payload.toString().split('\n').length;
});
const pairs = await Promise.all(Array.from({ length: DEVICES }, () => startPtyPair()));
const idle = await measure([], aedes.url, () => received);
const loaded = await measure(pairs, aedes.url, () => received);
for (const p of pairs) await p.dispose();
await aedes.stop();

const f = (x: number, d = 1) => x.toFixed(d).padStart(8);
console.log(
  `edge agent footprint${quick ? ' (quick)' : ''}: ${windowS} s window, ${DEVICES} SDS011 over socat PTYs at 1 Hz`,
);
console.log('| agent                        |  RSS MiB |   CPU % | readings published |');
console.log('|------------------------------|---------:|--------:|-------------------:|');
console.log(
  `| 20 devices at 1 Hz           | ${f(loaded.rss)} | ${f(loaded.cpuPct, 2)} | ${String(loaded.readings).padStart(18)} |`,
);
console.log(
  `| no devices (peer)            | ${f(idle.rss)} | ${f(idle.cpuPct, 2)} | ${String(idle.readings).padStart(18)} |`,
);
console.log(
  `ratio: RSS ${(loaded.rss / idle.rss).toFixed(2)}×, CPU ${(loaded.cpuPct / Math.max(idle.cpuPct, 0.01)).toFixed(1)}× (CPU % of one core)`,
);
process.exit(0);
