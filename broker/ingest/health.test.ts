import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, spawnService, tempDir, waitFor } from '../../tests/harness/index.js';
import { type ManagedInflux, startManagedInflux } from '../influxdb/managed.js';
import { addUser, type BrokerConfigInput, type RunningBroker, startBroker } from '../server/index.js';
import { countPoints, publishStream } from './testing.js';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const json = async (url: string) => {
  const res = await fetch(url);
  // biome-ignore lint/suspicious/noExplicitAny: a /health body, checked field by field with expect
  return { status: res.status, body: (await res.json()) as Record<string, any> };
};
/** One sample of a metric in Prometheus text, NaN when absent. */
const sample = (text: string, name: string) =>
  Number(
    text
      .split('\n')
      .find((l) => l.startsWith(`${name} `))
      ?.split(' ')[1] ?? Number.NaN,
  );
/** The lines of a process's JSON log whose message matches. */
const logLines = (output: string, message: RegExp) =>
  output
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { msg: string })
    .filter((l) => message.test(l.msg));

/**
 * What an operator sees of the standalone `tidegate ingest` (its own /health and /metrics, one log line
 * per outage) and of the broker's durable sessions (/health: connected, queued, away too long).
 */
describe('ingest and durable session health', () => {
  const dir = tempDir('tidegate-ingest-health-');
  let influx: ManagedInflux | undefined;
  let broker: RunningBroker | undefined;
  afterAll(async () => {
    await broker?.close({ drainMs: 0 });
    await influx?.stop();
  });

  it('reports queues, links and outages truthfully, and logs each outage once', async () => {
    influx = await startManagedInflux({ dir: join(dir, 'influx') });
    const usersFile = join(dir, 'users.yaml');
    const gw = (await addUser(usersFile, 'gw-h', 'gateway')).password;
    const ingestPw = (await addUser(usersFile, 'ingest', 'ingestor')).password;
    const mqttPort = await freePort();
    const brokerConfig: BrokerConfigInput = {
      usersFile,
      listeners: { mqtt: { port: mqttPort }, http: { port: 0 } },
      durableSessions: [{ clientId: 'tidegate-ingestor', topics: ['tidegate/+/data/+'], maxAwayS: 1 }],
    };
    broker = await startBroker(brokerConfig);
    const brokerHealth = () => json(`${broker!.httpUrl}/health`);
    const publish = (messages: number) =>
      publishStream({
        url: broker!.mqttUrl!,
        gateway: 'gw-h',
        device: 'pm-1',
        client: { username: 'gw-h', password: gw, clientId: `gw-h-${Math.random()}` },
        messages,
        linesPerMessage: 10,
        startNs: (BigInt(Date.now()) - 3_600_000n) * 1_000_000n + BigInt(Math.floor(Math.random() * 1e9)) * 1000n,
      });

    // No ingestor yet: what is published waits in its session; away past maxAwayS, /health is not ok.
    await publish(5);
    await waitFor(async () => (await brokerHealth()).status === 503, 'broker /health not ok with the ingestor away');
    const away = (await brokerHealth()).body;
    expect(away.durableSessions).toEqual([
      { clientId: 'tidegate-ingestor', connected: false, since: expect.any(String), queued: 5, ok: false },
    ]);

    const httpPort = await freePort();
    const config = join(dir, 'ingest.yaml');
    writeFileSync(
      config,
      [
        `mqtt: { url: "${broker.mqttUrl}", username: ingest, password: "${ingestPw}" }`,
        `influx: { url: "${influx.url}", database: health }`,
        'spill: { path: ./queue.db }',
        'batch: { maxPoints: 1000, maxDelayMs: 100 }',
        'retry: { minMs: 100, maxMs: 400 }',
        `http: { port: ${httpPort} }`,
      ].join('\n'),
    );
    const child = spawnService('node', ['bin/tidegate.js', 'ingest', '--config', config], {
      cwd: join(import.meta.dirname, '../..'),
    });
    const ingestHealth = () => json(`http://127.0.0.1:${httpPort}/health`);
    try {
      await waitFor(
        async () => (await ingestHealth().catch(() => ({ status: 0 }))).status === 200,
        'ingest /health ok',
        30_000,
      );
      await waitFor(async () => (await countPoints(influx!.url, 'health', 'gw-h')) === 50, 'the queued 50 points');
      await waitFor(async () => (await ingestHealth()).body.pointsWritten === 50, 'ingest /health counts 50 written');
      const up = (await ingestHealth()).body;
      expect(up).toMatchObject({ ok: true, broker: { connected: true }, influxdb: { up: true }, queuedPoints: 0 });
      expect(Date.parse(up.lastWriteAt)).toBeGreaterThan(0);
      const metrics = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
      expect(sample(metrics, 'tidegate_ingest_broker_connected')).toBe(1);
      expect(sample(metrics, 'tidegate_ingest_influxdb_up')).toBe(1);
      expect(sample(metrics, 'tidegate_ingest_points_written_total')).toBe(50);
      expect(sample(metrics, 'tidegate_ingest_last_write_timestamp_seconds')).toBeGreaterThan(0);
      // The broker counts a session's queue at most every 2 s: wait for a count taken after the drain.
      await waitFor(async () => {
        const health = await brokerHealth();
        return health.status === 200 && health.body.durableSessions[0]?.queued === 0;
      }, 'broker /health ok with the ingestor back and its queue drained');
      expect((await brokerHealth()).body.durableSessions[0]).toMatchObject({ connected: true, queued: 0, ok: true });

      // InfluxDB away: ingest /health says so with the backlog; one log line when it goes, one when it is back.
      const influxPort = influx.port;
      await influx.stop();
      await publish(10);
      await waitFor(async () => (await ingestHealth()).status === 503, 'ingest /health not ok without InfluxDB');
      await waitFor(async () => (await ingestHealth()).body.queuedPoints === 100, 'the 100 points queued');
      expect((await ingestHealth()).body.influxdb).toMatchObject({ up: false, downSince: expect.any(String) });
      await pause(1500); // several retries
      influx = await startManagedInflux({ dir: join(dir, 'influx'), port: influxPort });
      await waitFor(async () => (await countPoints(influx!.url, 'health', 'gw-h')) === 150, 'all 150 points');

      // The broker away for a while: the ingestor retries with backoff and says it once.
      await broker.close({ drainMs: 0 });
      broker = undefined;
      await waitFor(async () => (await ingestHealth()).body.broker.connected === false, 'ingest sees the broker gone');
      await pause(2500);
      broker = await startBroker(brokerConfig);
      await waitFor(async () => (await ingestHealth()).status === 200, 'ingest /health ok again', 60_000);

      // Logs come through a pipe: wait for the last line, then count them all.
      await waitFor(() => logLines(child.output(), /^broker back after/).length > 0, 'the broker back log line');
      const out = child.output();
      expect(logLines(out, /^InfluxDB unreachable since /)).toHaveLength(1);
      expect(logLines(out, /^InfluxDB back after [\d.]+ s, backlog 100 points$/)).toHaveLength(1);
      expect(logLines(out, /^broker unreachable since /)).toHaveLength(1);
      expect(logLines(out, /^broker back after [\d.]+ s, backlog 0 points$/)).toHaveLength(1);
    } finally {
      await child.stop();
    }
  });
});
