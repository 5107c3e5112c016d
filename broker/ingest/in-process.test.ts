import { join } from 'node:path';
import Database from 'better-sqlite3';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, tempDir, useInflux, waitFor } from '../../tests/harness/index.js';
import { startManagedInflux } from '../influxdb/managed.js';
import { SqlitePersistence } from '../persistence/sqlite-persistence.js';
import { addUser, type RunningBroker, startBroker } from '../server/index.js';
import { countPoints, streamStartNs } from './testing.js';

/** The in-process ingestor reading aedes directly (in-process-reader.ts), in a real broker. */
describe('the in-process ingestor', () => {
  const influx = useInflux();
  let broker: RunningBroker | undefined;
  afterEach(async () => {
    await broker?.close();
    broker = undefined;
  });

  it('holds acknowledgements while the spill queue is full (spill.maxPoints), and loses nothing', async () => {
    const dir = tempDir('tidegate-in-process-');
    const usersFile = join(dir, 'users.yaml');
    const gw = await addUser(usersFile, 'gw-held', 'gateway');
    const port = await freePort(); // InfluxDB comes later, on this port
    broker = await startBroker({
      usersFile,
      listeners: { mqtt: { port: 0 } },
      ingest: {
        influx: { url: `http://127.0.0.1:${port}`, database: 'held' },
        spill: { path: join(dir, 'queue.db'), maxPoints: 100 },
        batch: { maxPoints: 50, maxDelayMs: 100 },
        retry: { minMs: 50, maxMs: 200 },
      },
    });
    const stats = broker.ingestor!.stats;
    const client = await mqtt.connectAsync(broker.mqttUrl!, { username: gw.name, password: gw.password });
    const t = streamStartNs();
    let acked = 0;
    const acks: Promise<unknown>[] = [];
    for (let i = 0; i < 30; i++) {
      const lines = Array.from({ length: 20 }, (_, j) => `air_quality pm2_5_ugm3=${j} ${t + BigInt(i * 20 + j)}`);
      acks.push(
        client.publishAsync('tidegate/gw-held/data/pm-1', lines.join('\n'), { qos: 1 }).then(() => {
          acked++;
        }),
      );
    }
    // InfluxDB is not there: the queue fills to its bound, and the rest is not acknowledged.
    await waitFor(() => stats.backlog >= 100 && stats.writeFailures > 5, 'a full queue and failed writes');
    expect(acked).toBeLessThanOrEqual(6);
    expect(stats.backlog).toBeLessThanOrEqual(120);
    const late = await startManagedInflux({ dir: join(dir, 'late-influx'), port });
    try {
      await Promise.all(acks);
      await waitFor(async () => (await countPoints(late.url, 'held', 'gw-held')) === 600, '600 points', 60_000);
    } finally {
      await client.endAsync();
      await broker.close();
      broker = undefined;
      await late.stop();
    }
  });

  it('does not acknowledge a message the spill queue cannot take, and takes it once it can', async () => {
    const dir = tempDir('tidegate-in-process-locked-');
    const usersFile = join(dir, 'users.yaml');
    const gw = await addUser(usersFile, 'gw-locked', 'gateway');
    const queue = join(dir, 'queue.db');
    broker = await startBroker({
      usersFile,
      listeners: { mqtt: { port: 0 } },
      ingest: { influx: { url: influx().url, database: 'locked' }, spill: { path: queue }, batch: { maxDelayMs: 100 } },
    });
    // Another connection holds the queue's write lock: every commit fails (after SQLite's 5 s busy wait).
    const lock = new Database(queue);
    lock.exec('BEGIN IMMEDIATE');
    const client = await mqtt.connectAsync(broker.mqttUrl!, { username: gw.name, password: gw.password });
    let acked = false;
    const ack = client
      .publishAsync('tidegate/gw-locked/data/pm-1', `air_quality pm2_5_ugm3=3.5 ${streamStartNs()}`, { qos: 1 })
      .then(() => {
        acked = true;
      });
    await waitFor(() => broker!.ingestor!.stats.messages === 1, 'the message decoded');
    await new Promise((r) => setTimeout(r, 7_000)); // past one failed commit, into its retry wait
    expect(acked).toBe(false);
    expect(broker.ingestor!.stats.pointsQueued).toBe(0);
    lock.exec('ROLLBACK');
    lock.close();
    await ack;
    await waitFor(async () => (await countPoints(influx().url, 'locked', 'gw-locked')) === 1, 'the point', 30_000);
    await client.endAsync();
  });

  it('ends the durable session an older broker kept for its in-process ingestor, and ingests what it held', async () => {
    const dir = tempDir('tidegate-in-process-retire-');
    const usersFile = join(dir, 'users.yaml');
    const gw = await addUser(usersFile, 'gw-old', 'gateway');
    const sessions = join(dir, 'sessions.db');
    // What a broker of the previous release leaves after a crash: the session's subscription, one message.
    const old = new SqlitePersistence({ path: sessions });
    await old.setup({ id: 'old-broker' });
    const ingestor = { id: 'tidegate-ingestor' };
    await old.addSubscriptions(ingestor, [{ topic: 'tidegate/+/data/+', qos: 1 }]);
    const time = streamStartNs();
    await old.outgoingEnqueueCombi([{ clientId: ingestor.id }], {
      cmd: 'publish',
      topic: 'tidegate/gw-old/data/pm-1',
      payload: Buffer.from(`air_quality pm2_5_ugm3=7.5 ${time}`),
      qos: 1,
      retain: false,
      dup: false,
      brokerId: 'old-broker',
      brokerCounter: 1,
    } as never);
    expect(old.queued(ingestor.id)).toBe(1);
    await old.destroy();

    broker = await startBroker({
      usersFile,
      listeners: { mqtt: { port: 0 } },
      persistence: { type: 'sqlite', path: sessions },
      ingest: {
        influx: { url: influx().url, database: 'retired' },
        spill: { path: join(dir, 'queue.db') },
        batch: { maxDelayMs: 100 },
      },
    });
    await waitFor(async () => (await countPoints(influx().url, 'retired', 'gw-old')) === 1, 'the held point');
    const client = await mqtt.connectAsync(broker.mqttUrl!, { username: gw.name, password: gw.password });
    await client.publishAsync('tidegate/gw-old/data/pm-1', `air_quality pm2_5_ugm3=8.5 ${time + 1n}`, { qos: 1 });
    await client.endAsync();
    await waitFor(async () => (await countPoints(influx().url, 'retired', 'gw-old')) === 2, 'the new point');
    // Nothing is queued any more for the session that is gone.
    const store = (broker.aedes as unknown as { persistence: SqlitePersistence }).persistence;
    expect(store.queued(ingestor.id)).toBe(0);
    expect(await store.subscriptionsByClient(ingestor)).toEqual([]);
  });
});
