import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, tempDir, waitFor } from '../../tests/harness/index.js';
import { type ManagedInflux, startManagedInflux } from '../influxdb/managed.js';
import { addUser, type RunningBroker, startBroker } from '../server/index.js';
import { type Ingestor, startIngestor } from './ingestor.js';
import { countPoints, publishStream, streamStartNs } from './testing.js';

/**
 * The ingestor against the real aedes broker and a real InfluxDB that this file stops and restarts
 * (an outage) on the same port and data folder.
 */
const dir = tempDir('tidegate-ingest-');
let influx: ManagedInflux;
let broker: RunningBroker;
let ingestor: Ingestor;
const pw: Record<string, string> = {};
const rejected: string[] = [];
let watcher: mqtt.MqttClient;
const DB = 'ingest';

beforeAll(async () => {
  influx = await startManagedInflux({ dir: join(dir, 'influx') });
  const usersFile = join(dir, 'users.yaml');
  for (const [name, role] of [
    ['gw-1', 'gateway'],
    ['gw-2', 'gateway'],
    ['gw-3', 'gateway'],
    ['gw-4', 'gateway'],
    ['gw-5', 'gateway'],
    ['ingest', 'ingestor'],
    ['ops', 'operator'],
  ] as const)
    pw[name] = (await addUser(usersFile, name, role)).password;
  broker = await startBroker({
    usersFile,
    listeners: { mqtt: { port: 0 } },
    limits: { maxConnectionsPerUser: 8 },
    durableSessions: [{ clientId: 'tidegate-ingestor', topics: ['tidegate/+/data/+'] }],
  });
  ingestor = await startIngestor(
    {
      mqtt: { url: broker.mqttUrl, username: 'ingest', password: pw.ingest },
      influx: { url: influx.url, database: DB },
      spill: { path: join(dir, 'queue.db') },
      batch: { maxPoints: 500, maxDelayMs: 100 },
      retry: { minMs: 50, maxMs: 500 },
    },
    {},
  );
  watcher = await mqtt.connectAsync(broker.mqttUrl!, { username: 'ops', password: pw.ops });
  watcher.on('message', (_t, payload) => rejected.push(payload.toString()));
  await watcher.subscribeAsync('tidegate/_ingest/rejected', { qos: 0 });
}, 90_000);

afterAll(async () => {
  await watcher?.endAsync();
  await ingestor?.close();
  await broker?.close({ drainMs: 0 });
  await influx?.stop();
});

const gw = (name: string) => ({ url: broker.mqttUrl!, gateway: name, client: { username: name, password: pw[name] } });

describe('the ingestor', () => {
  it('keeps exact 64-bit integers and takes gateway/device from the topic', async () => {
    const client = await mqtt.connectAsync(broker.mqttUrl!, { username: 'gw-4', password: pw['gw-4'] });
    const t = streamStartNs();
    await client.publishAsync('tidegate/gw-4/data/counter-1', `traffic,device=forged count=9007199254740993i ${t}`, {
      qos: 1,
    });
    await client.endAsync();
    await waitFor(
      async () => (await countPoints(influx.url, DB, 'gw-4', 'traffic', 'count')) === 1,
      'the point',
      30_000,
    );
    const res = await fetch(
      `${influx.url}/query?${new URLSearchParams({ db: DB, q: `SELECT "count", "device" FROM traffic WHERE gateway='gw-4'` })}`,
    );
    const text = await res.text();
    expect(text).toContain('9007199254740993');
    expect(text).toContain('"counter-1"');
  });

  it('loses nothing while InfluxDB is down for a while (stopped mid-stream, restarted)', async () => {
    const failuresBefore = ingestor.stats.writeFailures;
    const sent = await publishStream({
      ...gw('gw-1'),
      device: 'pm-1',
      messages: 200,
      linesPerMessage: 25,
      before: async (i) => {
        if (i !== 80) return;
        await influx.stop();
      },
    });
    // Everything is acknowledged, so it is in the spill queue; InfluxDB is still down.
    await waitFor(
      () => ingestor.stats.writeFailures > failuresBefore + 8,
      'several failed write attempts (a few seconds of outage)',
      30_000,
    );
    expect(ingestor.stats.backlog).toBeGreaterThan(0);
    expect(ingestor.stats.influxUp).toBe(false); // what /health reports as 503
    influx = await startManagedInflux({ dir: influx.dir, port: influx.port });
    await waitFor(async () => (await countPoints(influx.url, DB, 'gw-1')) === sent, `${sent} points`, 60_000);
    expect(await countPoints(influx.url, DB, 'gw-1')).toBe(5000);
    expect(ingestor.stats.influxUp).toBe(true);
  });

  it('takes every good reading when 1,000 malformed messages are mixed in', async () => {
    const before = ingestor.stats.messagesRejected;
    const bad = [
      'air_quality pm2_5_ugm3= 1',
      'no fields at all',
      '\u0000\u0001 binary',
      'air_quality,site pm=1 123',
      'air_quality pm2_5_ugm3=1 notatime',
    ];
    const client = await mqtt.connectAsync(broker.mqttUrl!, { username: 'gw-2', password: pw['gw-2'] });
    const t = streamStartNs();
    const acks: Promise<unknown>[] = [];
    let good = 0;
    for (let i = 0; i < 3000; i++) {
      if (i % 3 === 1) {
        acks.push(client.publishAsync('tidegate/gw-2/data/pm-1', bad[i % bad.length]!, { qos: 1 }));
      } else {
        acks.push(
          client.publishAsync('tidegate/gw-2/data/pm-1', `air_quality pm2_5_ugm3=${i} ${t + BigInt(i)}`, { qos: 1 }),
        );
        good++;
      }
    }
    // A payload that is not UTF-8, and a message with good and bad lines together.
    acks.push(client.publishAsync('tidegate/gw-2/data/pm-1', Buffer.from([0xff, 0xfe, 0x00]), { qos: 1 }));
    acks.push(
      client.publishAsync('tidegate/gw-2/data/pm-1', `air_quality pm2_5_ugm3=1 ${t + 5000n}\nbroken line\n`, {
        qos: 1,
      }),
    );
    good++;
    await Promise.all(acks);
    await client.endAsync();
    await waitFor(async () => (await countPoints(influx.url, DB, 'gw-2')) === good, `${good} good points`, 60_000);
    expect(ingestor.stats.messagesRejected - before).toBe(1002);
    await waitFor(() => rejected.length >= 1002, 'the rejections on tidegate/_ingest/rejected', 10_000);
    const sample = JSON.parse(rejected.find((r) => r.includes('could not be read'))!);
    expect(sample).toMatchObject({ stage: 'decode', topic: 'tidegate/gw-2/data/pm-1' });
    expect(sample.errors[0]).toHaveProperty('reason');
  });

  it('drops only the points of a field-type conflict; the rest of the batch is stored', async () => {
    const client = await mqtt.connectAsync(broker.mqttUrl!, { username: 'gw-3', password: pw['gw-3'] });
    const t = streamStartNs();
    await client.publishAsync('tidegate/gw-3/data/m-1', `electricity active_power_w=100 ${t}`, { qos: 1 });
    await waitFor(
      async () => (await countPoints(influx.url, DB, 'gw-3', 'electricity', 'active_power_w')) === 1,
      'first',
    );
    const refusedBefore = ingestor.stats.pointsRefused;
    const lines = [];
    for (let i = 1; i <= 100; i++)
      lines.push(
        i % 10 === 0
          ? `electricity active_power_w="oops" ${t + BigInt(i)}`
          : `electricity active_power_w=${i} ${t + BigInt(i)}`,
      );
    await client.publishAsync('tidegate/gw-3/data/m-1', lines.join('\n'), { qos: 1 });
    await client.endAsync();
    await waitFor(
      async () => (await countPoints(influx.url, DB, 'gw-3', 'electricity', 'active_power_w')) === 91,
      '91 points',
      30_000,
    );
    await waitFor(() => ingestor.stats.pointsRefused - refusedBefore === 10, '10 refused points');
    await waitFor(() => rejected.some((r) => r.includes('field type conflict')), 'the conflict on the rejected topic');
    const conflict = JSON.parse(rejected.find((r) => r.includes('field type conflict'))!);
    expect(conflict.points).toHaveLength(10);
  });
});

describe('a bounded spill queue (spill.maxPoints)', () => {
  it('stops acknowledging while full, so the rest waits with the broker, and loses nothing', async () => {
    const port = await freePort();
    const bounded = await startIngestor({
      mqtt: { url: broker.mqttUrl, username: 'ingest', password: pw.ingest, clientId: 'ingest-bounded' },
      influx: { url: `http://127.0.0.1:${port}`, database: 'bounded' },
      spill: { path: join(dir, 'bounded.db'), maxPoints: 100 },
      batch: { maxPoints: 50, maxDelayMs: 100 },
      retry: { minMs: 50, maxMs: 200 },
    });
    await waitFor(() => bounded.stats.mqttConnected, 'connected');
    const client = await mqtt.connectAsync(broker.mqttUrl!, { username: 'gw-5', password: pw['gw-5'] });
    const t = streamStartNs();
    for (let i = 0; i < 30; i++) {
      const lines = Array.from({ length: 20 }, (_, j) => `air_quality pm2_5_ugm3=${j} ${t + BigInt(i * 20 + j)}`);
      client.publish('tidegate/gw-5/data/pm-1', lines.join('\n'), { qos: 1 });
    }
    // InfluxDB is not there: the queue fills to its bound and stays there.
    await waitFor(() => bounded.stats.backlog >= 100, 'a full queue');
    await waitFor(() => bounded.stats.writeFailures > 5, 'failed writes');
    expect(bounded.stats.backlog).toBeLessThanOrEqual(120);
    expect(bounded.stats.pointsQueued).toBeLessThan(600);
    const late = await startManagedInflux({ dir: join(dir, 'late-influx'), port });
    try {
      await waitFor(async () => (await countPoints(late.url, 'bounded', 'gw-5')) === 600, '600 points', 60_000);
    } finally {
      await client.endAsync();
      await bounded.close();
      await late.stop();
    }
  });
});
