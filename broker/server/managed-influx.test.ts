import { join } from 'node:path';
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { requireBinary, tempDir, waitFor } from '../../tests/harness/index.js';
import { countPoints } from '../ingest/testing.js';
import { addUser, startBroker } from './index.js';

describe('the one-machine default', () => {
  it('starts an influxd in the data folder when the config names no InfluxDB, and stops it on close', async () => {
    requireBinary('influxd', 'influxdb');
    const dir = tempDir('tidegate-managed-');
    const usersFile = join(dir, 'users.yaml');
    const gw = await addUser(usersFile, 'gw-m', 'gateway');
    const broker = await startBroker({
      usersFile,
      listeners: { mqtt: { port: 0 } },
      ingest: {
        influx: { managedDir: join(dir, 'influxdb') },
        spill: { path: join(dir, 'queue.db') },
        batch: { maxDelayMs: 100 },
      },
    });
    const influxUrl = broker.ingestor!.stats.influxUrl;
    expect(influxUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const client = await mqtt.connectAsync(broker.mqttUrl!, { username: gw.name, password: gw.password });
    await client.publishAsync(
      'tidegate/gw-m/data/pm-1',
      `air_quality pm2_5_ugm3=3 ${BigInt(Date.now()) * 1_000_000n}`,
      { qos: 1 },
    );
    await client.endAsync();
    await waitFor(async () => (await countPoints(influxUrl, 'tidegate', 'gw-m')) === 1, 'the point', 30_000);
    await broker.close();
    await expect(fetch(`${influxUrl}/ping`)).rejects.toThrow();
  });
});
