/**
 * Ingest throughput end to end: readings/s from a gateway's MQTT messages (QoS 1, 100 lines each)
 * through the broker and the ingestor (decode, tag from topic, spill queue, batched /write) into
 * InfluxDB, against raw line-protocol POSTs of the same points (5,000 per request) to the same InfluxDB:
 * one writer after the other, and four concurrent writers. Rounds are interleaved (raw, four raw, end
 * to end), each in its own database; the table gives the median of each. The gateway is a load
 * generator as light as a C client (ingest-gateway.ts: packets encoded before the clock), as the raw
 * peer's bodies are prepared before it: both time what InfluxDB, and the broker and ingestor, do.
 *
 *   npx tsx bench/ingest-throughput.ts         (BENCH_QUICK=1 for a run under a minute)
 */
import { join } from 'node:path';
import { startManagedInflux } from '../broker/influxdb/managed.js';
import { countPoints, messagePayload, type StreamOptions } from '../broker/ingest/testing.js';
import { addUser, startBroker } from '../broker/server/index.js';
import { requireBinary, tempDir, waitFor } from '../tests/harness/index.js';
import { prepareGateway, sendGateway } from './ingest-gateway.js';

const quick = process.env.BENCH_QUICK === '1';
const ROUNDS = quick ? 2 : 3;
const POINTS = quick ? 50_000 : 300_000;
const LINES = 100;
const dir = tempDir('tidegate-bench-ingest-');
process.env.TIDEGATE_LOG_LEVEL ??= 'error';

const influx = await startManagedInflux({
  dir: join(dir, 'influx'),
  influxdBinary: requireBinary('influxd', 'influxdb'),
});
const startNs = (BigInt(Date.now()) - 3_600_000n) * 1_000_000n;

/** Raw POSTs of the points, `writers` requests out at once. */
async function rawWrites(database: string, gateway: string, writers: number): Promise<number> {
  await fetch(`${influx.url}/query`, {
    method: 'POST',
    body: new URLSearchParams({ q: `CREATE DATABASE "${database}"` }),
  });
  const o: StreamOptions = { url: '', gateway, device: 'pm-1', messages: POINTS / LINES, linesPerMessage: LINES };
  const tags = `,gateway=${gateway},device=pm-1`;
  const bodies: string[] = [];
  let batch: string[] = [];
  for (let i = 0; i < o.messages; i++) {
    batch.push(messagePayload(o, i, startNs).replace(/^air_quality,/gm, `air_quality${tags},`));
    if (batch.length * LINES >= 5000) {
      bodies.push(batch.join('\n'));
      batch = [];
    }
  }
  if (batch.length) bodies.push(batch.join('\n'));
  const started = performance.now();
  let next = 0;
  const writer = async () => {
    while (next < bodies.length) {
      const body = bodies[next++];
      const res = await fetch(`${influx.url}/write?db=${database}&precision=ns`, { method: 'POST', body });
      if (res.status !== 204) throw new Error(`raw write: ${res.status} ${await res.text()}`);
    }
  };
  await Promise.all(Array.from({ length: writers }, writer));
  const seconds = (performance.now() - started) / 1000;
  const stored = await countPoints(influx.url, database, gateway);
  if (stored !== POINTS) throw new Error(`raw write stored ${stored} of ${POINTS}`);
  return POINTS / seconds;
}

async function endToEnd(database: string, gateway: string): Promise<number> {
  const usersFile = join(dir, `${database}-users.yaml`);
  const gw = await addUser(usersFile, gateway, 'gateway');
  const broker = await startBroker({
    usersFile,
    listeners: { mqtt: { port: 0 } },
    ingest: { influx: { url: influx.url, database }, spill: { path: join(dir, `${database}-queue.db`) } },
  });
  await waitFor(() => broker.ingestor?.stats.mqttConnected === true, 'the ingestor');
  // Encoded before the clock starts, as the raw peer's request bodies are.
  const o = { url: '', gateway, device: 'pm-1', messages: POINTS / LINES, linesPerMessage: LINES };
  const payloads = Array.from({ length: o.messages }, (_, i) => messagePayload(o, i, startNs));
  const packets = prepareGateway({ gateway, password: gw.password, device: 'pm-1', payloads });
  const started = performance.now();
  await sendGateway(broker.mqttUrl!, packets);
  await waitFor(() => broker.ingestor!.stats.pointsWritten >= POINTS, 'every point written', 600_000, 10);
  const seconds = (performance.now() - started) / 1000;
  await broker.close();
  const stored = await countPoints(influx.url, database, gateway);
  if (stored !== POINTS) throw new Error(`end to end stored ${stored} of ${POINTS}`);
  return POINTS / seconds;
}

const runs = { raw: [] as number[], raw4: [] as number[], e2e: [] as number[] };
for (let r = 0; r < ROUNDS; r++) {
  runs.raw.push(await rawWrites(`bench_raw_${r}`, `gw-raw-${r}`, 1));
  runs.raw4.push(await rawWrites(`bench_raw4_${r}`, `gw-raw4-${r}`, 4));
  runs.e2e.push(await endToEnd(`bench_e2e_${r}`, `gw-e2e-${r}`));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const raw = median(runs.raw);
const raw4 = median(runs.raw4);
const e2e = median(runs.e2e);
const row = (name: string, rate: number) =>
  console.log(
    `${name.padEnd(50)} ${Math.round(rate).toString().padStart(9)}   ${(rate / raw).toFixed(2).padStart(5)}x   ${(rate / raw4).toFixed(2).padStart(5)}x`,
  );
console.log(
  `ingest throughput, ${POINTS} points (${LINES} lines per MQTT message), median of ${ROUNDS} interleaved rounds${quick ? ' (quick)' : ''}`,
);
console.log(`${'path'.padEnd(50)}  points/s   vs raw  vs 4 raw`);
row('raw line protocol POST /write, 5,000 per request', raw);
row('the same, four concurrent writers', raw4);
row('MQTT → broker → ingestor → InfluxDB (end to end)', e2e);
console.log(
  `rounds: raw ${runs.raw.map(Math.round).join(', ')}; 4 raw ${runs.raw4.map(Math.round).join(', ')}; e2e ${runs.e2e.map(Math.round).join(', ')}`,
);
await influx.stop();
process.exit(0);
