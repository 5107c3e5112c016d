/**
 * Edge buffer benchmark (npx tsx bench/edge-buffer.ts; BENCH_QUICK=1 for a quick run).
 *  1. Write throughput into the SQLite buffer (WAL, synchronous=FULL): readings grouped into one
 *     transaction per flush vs one transaction (one fsync) per reading.
 *  2. Backlog drain to aedes with QoS 1: batched messages (64 KiB) vs one reading per message.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { ReadingBuffer } from '../edge/buffer/buffer.js';
import { Publisher } from '../edge/publisher/publisher.js';
import { startAedes } from '../tests/harness/aedes.js';
import type { Reading } from '../wire/reading.js';

const quick = process.env.BENCH_QUICK === '1';
const dir = mkdtempSync(join(tmpdir(), 'tidegate-bench-'));
const t0 = 1_760_000_000_000_000_000n;

const reading = (i: number): Reading => ({
  measurement: 'electricity',
  tags: { meter: 'a1b2c3d4e5f6', site: 'la-rochelle-port' },
  fields: { active_power_w: 1234.5 + (i % 100), voltage_v: 231.2, energy_import_wh: BigInt(1_000_000 + i) },
  time: t0 + BigInt(i) * 1_000_000_000n,
});

function writeRate(name: string, n: number, groupSize: number): number {
  const buffer = new ReadingBuffer({ path: join(dir, `${name}.db`), maxBytes: 1e10 });
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    buffer.add('meter-1', reading(i));
    if ((i + 1) % groupSize === 0) buffer.flush();
  }
  buffer.flush();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  buffer.close();
  return n / seconds;
}

async function drainRate(name: string, n: number, batched: boolean): Promise<number> {
  const path = join(dir, `${name}.db`);
  const buffer = new ReadingBuffer({ path, maxBytes: 1e10, synchronous: 'normal' });
  for (let i = 0; i < n; i++) {
    buffer.add(`meter-${i % 4}`, reading(i));
    if (i % 10_000 === 9_999) buffer.flush();
  }
  buffer.flush();
  const aedes = await startAedes();
  let received = 0;
  aedes.broker.on('publish', (packet, client) => {
    if (client) received += packet.payload.toString().split('\n').length;
  });
  const publisher = new Publisher({
    url: aedes.url,
    clientId: `bench-${name}`,
    keepaliveMs: 30_000,
    reconnectMinMs: 100,
    reconnectMaxMs: 1000,
    maxMessageBytes: 64 * 1024,
    liveMax: batched ? 5 : Number.MAX_SAFE_INTEGER,
    dataTopic: (device) => `tidegate/bench/data/${device}`,
    statusTopic: 'tidegate/bench/status',
    willPayload: () => '{"state":"offline","gateway":"bench","time":"1970-01-01T00:00:00Z"}',
    buffer,
    logger: pino({ level: 'silent' }),
  });
  const start = process.hrtime.bigint();
  const flusher = setInterval(() => {
    buffer.flush();
    publisher.kick();
  }, 200);
  publisher.start();
  while (buffer.backlog().rows > 0) await new Promise((r) => setTimeout(r, 20));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  clearInterval(flusher);
  await publisher.stop();
  buffer.close();
  await aedes.stop();
  if (received < n) throw new Error(`${name}: the broker got ${received} of ${n} readings`);
  return n / seconds;
}

const writes = quick ? 2_000 : 20_000;
const grouped = writeRate('grouped', writes, 1000);
const single = writeRate('single', writes, 1);
const backlog = quick ? 20_000 : 86_400; // a day of one reading per second
const batchedRate = await drainRate('batched', backlog, true);
const oneByOne = await drainRate('one-by-one', quick ? 5_000 : 20_000, false);
rmSync(dir, { recursive: true, force: true });

const f = (x: number) => Math.round(x).toLocaleString('en-US').padStart(10);
console.log(`edge buffer benchmark${quick ? ' (quick)' : ''}: SQLite WAL synchronous=FULL, aedes QoS 1 on loopback`);
console.log('| measure                                  | readings/s | vs peer |');
console.log('|------------------------------------------|-----------:|--------:|');
console.log(`| write, grouped (1000 per transaction)    | ${f(grouped)} | ${(grouped / single).toFixed(1)}× |`);
console.log(`| write, one transaction per reading (peer)| ${f(single)} |    1.0× |`);
console.log(
  `| drain ${backlog} to aedes, 64 KiB batches  | ${f(batchedRate)} | ${(batchedRate / oneByOne).toFixed(1)}× |`,
);
console.log(`| drain, one reading per message (peer)    | ${f(oneByOne)} |    1.0× |`);
console.log(`a day of 1 Hz readings (86,400) drains in about ${Math.ceil(86_400 / batchedRate)} s batched`);
process.exit(0);
