import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, useInflux, waitFor } from '../../tests/harness/index.js';
import { addUser, type RunningBroker, startBroker } from './index.js';

const influx = useInflux();
let broker: RunningBroker;
let gwPassword: string;
const dir = tempDir('tidegate-broker-');

beforeAll(async () => {
  const usersFile = join(dir, 'users.yaml');
  gwPassword = (await addUser(usersFile, 'gw-1', 'gateway')).password;
  broker = await startBroker({
    usersFile,
    listeners: { mqtt: { port: 0 }, http: { port: 0 } },
    ingest: {
      influx: { url: influx().url, database: 'basic' },
      spill: { path: join(dir, 'queue.db') },
      batch: { maxDelayMs: 100 },
    },
  });
}, 60_000);
afterAll(async () => {
  await broker?.close();
});

describe('startBroker with the in-process ingestor', () => {
  it('takes a gateway reading into InfluxDB with gateway and device tags from the topic', async () => {
    const gw = await mqtt.connectAsync(broker.mqttUrl!, { username: 'gw-1', password: gwPassword, clientId: 'gw-1' });
    await gw.publishAsync(
      'tidegate/gw-1/data/pm-1',
      `air_quality,gateway=forged pm2_5_ugm3=4.5 ${BigInt(Date.now()) * 1_000_000n}`,
      {
        qos: 1,
      },
    );
    await gw.endAsync();
    await waitFor(async () => (await influx().rows('SELECT * FROM air_quality', 'basic')).length === 1, 'the point');
    const [row] = await influx().rows('SELECT * FROM air_quality', 'basic');
    expect(row).toMatchObject({ gateway: 'gw-1', device: 'pm-1', pm2_5_ugm3: 4.5 });
  });

  it('answers /health and /metrics', async () => {
    const health = (await (await fetch(`${broker.httpUrl}/health`)).json()) as { ok: boolean; ingest: object };
    expect(health.ok).toBe(true);
    const metrics = () => fetch(`${broker.httpUrl}/metrics`).then((r) => r.text());
    expect(await metrics()).toMatch(/tidegate_broker_connections_accepted_total\{role="gateway"\} 1/);
    // InfluxDB may show the point a moment before the ingestor has counted its write. Delivery is at
    // least once (a message can reach the ingestor twice around its connection; InfluxDB keeps one
    // point), so the count is checked against what the ingestor queued, not against 1.
    const value = (text: string, name: string) => Number(text.match(new RegExp(`^${name} (\\d+)$`, 'm'))?.[1] ?? 0);
    await waitFor(async () => {
      const text = await metrics();
      const written = value(text, 'tidegate_ingest_points_written_total');
      return written >= 1 && written === value(text, 'tidegate_ingest_points_queued_total');
    }, 'the written count to reach the queued count');
  });

  it('speaks MQTT over WebSocket', async () => {
    const gw = await mqtt.connectAsync(broker.wsUrl!, { username: 'gw-1', password: gwPassword, clientId: 'gw-1-ws' });
    expect(gw.connected).toBe(true);
    await gw.endAsync();
  });
});
