import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir, useInflux, useMosquitto, waitFor } from '../../tests/harness/index.js';
import { type Ingestor, startIngestor } from './ingestor.js';
import { countPoints, publishStream } from './testing.js';

/** The ingestor is a plain MQTT client: the same guarantees against Mosquitto, and MQTT 5 shared subscriptions. */
const influx = useInflux();
const mosquitto = useMosquitto({ maxQueuedMessages: 0 });
const dir = tempDir('tidegate-mosq-');
const ingestors: Ingestor[] = [];

afterAll(async () => {
  for (const i of ingestors) await i.close();
});

const ingestor = (clientId: string, database: string, extra: { protocolVersion?: 4 | 5; sharedGroup?: string } = {}) =>
  startIngestor({
    mqtt: { url: mosquitto().url, clientId, ...extra },
    influx: { url: influx().url, database },
    spill: { path: join(dir, `${clientId}.db`) },
    batch: { maxDelayMs: 200 },
  });

describe('against Mosquitto', () => {
  it('ingests every reading (MQTT 3.1.1, persistent session)', async () => {
    const i = await ingestor('ingest-v4', 'mosq');
    ingestors.push(i);
    await waitFor(() => i.stats.mqttConnected, 'connected');
    const sent = await publishStream({
      url: mosquitto().url,
      gateway: 'gw-m',
      device: 'pm-1',
      messages: 150,
      linesPerMessage: 20,
    });
    await waitFor(async () => (await countPoints(influx().url, 'mosq', 'gw-m')) === sent, `${sent} points`, 60_000);
    expect(sent).toBe(3000);
  });

  it('splits the load between two ingestors through an MQTT 5 shared subscription, losing nothing', async () => {
    const a = await ingestor('ingest-a', 'shared', { protocolVersion: 5, sharedGroup: 'tidegate-ingest' });
    const b = await ingestor('ingest-b', 'shared', { protocolVersion: 5, sharedGroup: 'tidegate-ingest' });
    ingestors.push(a, b);
    await waitFor(() => a.stats.mqttConnected && b.stats.mqttConnected, 'both connected');
    await new Promise((r) => setTimeout(r, 300)); // their SUBSCRIBEs are in flight
    const sent = await publishStream({
      url: mosquitto().url,
      gateway: 'gw-s',
      device: 'pm-1',
      messages: 200,
      linesPerMessage: 20,
    });
    await waitFor(async () => (await countPoints(influx().url, 'shared', 'gw-s')) === sent, `${sent} points`, 60_000);
    expect(a.stats.messages).toBeGreaterThan(0);
    expect(b.stats.messages).toBeGreaterThan(0);
    expect(a.stats.pointsQueued + b.stats.pointsQueued).toBe(4000);
  });
});
