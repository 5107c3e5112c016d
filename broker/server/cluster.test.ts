import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, spawnService, tempDir, useInflux, useRedis, waitFor } from '../../tests/harness/index.js';
import { type Ingestor, startIngestor } from '../ingest/ingestor.js';
import { countPoints, publishStream } from '../ingest/testing.js';
import { addUser, type RunningBroker, startBroker } from './index.js';

/** Two broker processes sharing one Redis (B a child `tidegate broker`): a gateway on A, the ingestor on B. */
const influx = useInflux();
const redis = useRedis();
const dir = tempDir('tidegate-cluster-');
const brokers: RunningBroker[] = [];
let ingestor: Ingestor | undefined;

afterAll(async () => {
  await ingestor?.close();
  for (const b of brokers) await b.close({ drainMs: 0 });
});

describe('a Redis-backed broker cluster', () => {
  it('delivers everything a gateway publishes on broker A to the ingestor on broker B', async () => {
    const usersFile = join(dir, 'users.yaml');
    const gw = (await addUser(usersFile, 'gw-a', 'gateway')).password;
    const ing = (await addUser(usersFile, 'ingest', 'ingestor')).password;
    const config = {
      usersFile,
      listeners: { mqtt: { port: 0 } },
      persistence: { type: 'redis' as const, url: redis().url },
      durableSessions: [{ clientId: 'tidegate-ingestor', topics: ['tidegate/+/data/+'] }],
    };
    const a = await startBroker(config);
    brokers.push(a);
    const [mqttPort, httpPort] = [await freePort(), await freePort()];
    const configFile = join(dir, 'broker-b.yaml');
    writeFileSync(
      configFile,
      [
        'usersFile: users.yaml',
        `listeners: { mqtt: { port: ${mqttPort} }, http: { port: ${httpPort} } }`,
        `persistence: { type: redis, url: "${redis().url}" }`,
        'durableSessions: [{ clientId: tidegate-ingestor, topics: ["tidegate/+/data/+"] }]',
      ].join('\n'),
    );
    const b = spawnService('node', ['bin/tidegate.js', 'broker', '--config', configFile], {
      cwd: join(import.meta.dirname, '../..'),
      env: { ...process.env, TIDEGATE_LOG_LEVEL: 'warn' },
    });
    await waitFor(async () => (await fetch(`http://127.0.0.1:${httpPort}/health`)).ok, 'broker B', 30_000);
    const health = (await (await fetch(`http://127.0.0.1:${httpPort}/health`)).json()) as { brokerId: string };
    expect(health.brokerId).not.toBe(a.aedes.id);
    ingestor = await startIngestor({
      mqtt: { url: `mqtt://127.0.0.1:${mqttPort}`, username: 'ingest', password: ing },
      influx: { url: influx().url, database: 'cluster' },
      spill: { path: join(dir, 'queue.db') },
      batch: { maxDelayMs: 200 },
    });
    await waitFor(() => ingestor!.stats.mqttConnected, 'the ingestor on broker B');
    const sent = await publishStream({
      url: a.mqttUrl!,
      gateway: 'gw-a',
      device: 'pm-1',
      client: { username: 'gw-a', password: gw },
      messages: 200,
      linesPerMessage: 15,
    });
    await waitFor(async () => (await countPoints(influx().url, 'cluster', 'gw-a')) === sent, `${sent} points`, 60_000);
    expect(await countPoints(influx().url, 'cluster', 'gw-a')).toBe(3000);
    await ingestor.close();
    ingestor = undefined;
    await b.stop();
  });

  it('keeps what was queued for an absent ingestor across a broker restart (sessions live in Redis)', async () => {
    const usersFile = join(dir, 'users-restart.yaml');
    const gw = (await addUser(usersFile, 'gw-r', 'gateway')).password;
    const ing = (await addUser(usersFile, 'ingest', 'ingestor')).password;
    const port = await freePort();
    const config = {
      usersFile,
      listeners: { mqtt: { port } },
      persistence: { type: 'redis' as const, url: redis().url },
      durableSessions: [{ clientId: 'ingest-restart', topics: ['tidegate/+/data/+'] }],
    };
    const ingest = () =>
      startIngestor({
        mqtt: { url: `mqtt://127.0.0.1:${port}`, username: 'ingest', password: ing, clientId: 'ingest-restart' },
        influx: { url: influx().url, database: 'cluster_restart' },
        spill: { path: join(dir, 'restart-queue.db') },
        batch: { maxDelayMs: 200 },
      });
    let broker = await startBroker(config);
    const first = await ingest();
    await waitFor(() => first.stats.mqttConnected, 'the ingestor');
    await first.close();
    const sent = await publishStream({
      url: broker.mqttUrl!,
      gateway: 'gw-r',
      device: 'pm-1',
      client: { username: 'gw-r', password: gw },
      messages: 100,
      linesPerMessage: 20,
    });
    await broker.close();
    broker = await startBroker(config);
    brokers.push(broker);
    ingestor = await ingest();
    await waitFor(
      async () => (await countPoints(influx().url, 'cluster_restart', 'gw-r')) === sent,
      `${sent} points`,
      60_000,
    );
    expect(sent).toBe(2000);
  });
});
