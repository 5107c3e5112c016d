/**
 * Ingest throughput end to end: readings/s from a gateway's MQTT messages (QoS 1, 100 lines each)
 * through the broker and the ingestor (decode, tag from topic, spill queue, batched /write) into
 * InfluxDB, against raw line-protocol POSTs of the same points (5,000 per request) to the same InfluxDB.
 *
 *   npx tsx bench/ingest-throughput.ts         (BENCH_QUICK=1 for a run under a minute)
 */
import { join } from 'node:path';
import { startManagedInflux } from '../broker/influxdb/managed.js';
import { countPoints, messagePayload, publishStream, type StreamOptions } from '../broker/ingest/testing.js';
import { addUser, startBroker } from '../broker/server/index.js';
import { requireBinary, tempDir, waitFor } from '../tests/harness/index.js';

const quick = process.env.BENCH_QUICK === '1';
const POINTS = quick ? 50_000 : 300_000;
const LINES = 100;
const dir = tempDir('tidegate-bench-ingest-');
process.env.TIDEGATE_LOG_LEVEL ??= 'error';

const influx = await startManagedInflux({
  dir: join(dir, 'influx'),
  influxdBinary: requireBinary('influxd', 'influxdb'),
});
const startNs = (BigInt(Date.now()) - 3_600_000n) * 1_000_000n;

async function rawWrites(database: string, gateway: string): Promise<number> {
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
  for (const body of bodies) {
    const res = await fetch(`${influx.url}/write?db=${database}&precision=ns`, { method: 'POST', body });
    if (res.status !== 204) throw new Error(`raw write: ${res.status} ${await res.text()}`);
  }
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
  const started = performance.now();
  await publishStream({
    url: broker.mqttUrl!,
    gateway,
    device: 'pm-1',
    messages: POINTS / LINES,
    linesPerMessage: LINES,
    startNs,
    client: { username: gw.name, password: gw.password },
  });
  await waitFor(() => broker.ingestor!.stats.pointsWritten >= POINTS, 'every point written', 600_000, 10);
  const seconds = (performance.now() - started) / 1000;
  await broker.close();
  const stored = await countPoints(influx.url, database, gateway);
  if (stored !== POINTS) throw new Error(`end to end stored ${stored} of ${POINTS}`);
  return POINTS / seconds;
}

const raw = await rawWrites('bench_raw', 'gw-raw');
const e2e = await endToEnd('bench_e2e', 'gw-e2e');
console.log(`ingest throughput, ${POINTS} points (${LINES} lines per MQTT message)${quick ? ' (quick)' : ''}`);
console.log('path                                              points/s   vs raw');
console.log(`raw line protocol POST /write, 5,000 per request ${Math.round(raw).toString().padStart(9)}    1.00x`);
console.log(
  `MQTT → broker → ingestor → InfluxDB (end to end) ${Math.round(e2e).toString().padStart(9)}   ${(e2e / raw).toFixed(2).padStart(5)}x`,
);
await influx.stop();
process.exit(0);
