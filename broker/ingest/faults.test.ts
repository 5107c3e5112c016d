import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, spawnService, tempDir, useInflux, waitFor } from '../../tests/harness/index.js';
import { addUser, type BrokerConfigInput, type RunningBroker, startBroker } from '../server/index.js';
import { startIngestor } from './ingestor.js';
import { countPoints, publishStream } from './testing.js';

/** No reading lost when the ingestor is SIGKILLed (a child process) or the broker restarts. */
const influx = useInflux();
const dir = tempDir('tidegate-faults-');
const pw: Record<string, string> = {};
let usersFile: string;

beforeAll(async () => {
  usersFile = join(dir, 'users.yaml');
  for (const [name, role] of [
    ['gw-kill', 'gateway'],
    ['gw-restart', 'gateway'],
    ['ingest', 'ingestor'],
  ] as const)
    pw[name] = (await addUser(usersFile, name, role)).password;
}, 30_000);

const brokerConfig = (port: number): BrokerConfigInput => ({
  usersFile,
  listeners: { mqtt: { port } },
  durableSessions: [{ clientId: 'tidegate-ingestor', topics: ['tidegate/+/data/+'] }],
});

describe('no loss', () => {
  let broker: RunningBroker | undefined;
  afterAll(async () => {
    await broker?.close({ drainMs: 0 });
  });

  it('when the ingestor is killed with SIGKILL mid-stream and started again', async () => {
    broker = await startBroker(brokerConfig(0));
    const config = join(dir, 'ingest-kill.yaml');
    writeFileSync(
      config,
      [
        `mqtt: { url: "${broker.mqttUrl}", username: ingest, password: "${pw.ingest}" }`,
        `influx: { url: "${influx().url}", database: kill }`,
        'spill: { path: ./kill-queue.db }',
        'batch: { maxPoints: 1000, maxDelayMs: 200 }',
      ].join('\n'),
    );
    const start = () =>
      spawnService('node', ['bin/tidegate.js', 'ingest', '--config', config], {
        cwd: join(import.meta.dirname, '../..'),
        env: { ...process.env, TIDEGATE_LOG_LEVEL: 'warn' },
      });
    const connected = () =>
      Boolean((broker!.aedes as unknown as { clients: Record<string, unknown> }).clients['tidegate-ingestor']);
    let child = start();
    await waitFor(connected, 'the ingestor child to connect', 30_000);
    let kills = 0;
    const sent = await publishStream({
      url: broker.mqttUrl!,
      gateway: 'gw-kill',
      device: 'pm-1',
      client: { username: 'gw-kill', password: pw['gw-kill'] },
      messages: 300,
      linesPerMessage: 20,
      before: async (i) => {
        if (i === 100 || i === 200) {
          child.child.kill('SIGKILL');
          await new Promise((r) => child.child.once('exit', r));
          kills++;
        }
        if (i === 150 || i === 250) {
          child = start();
          await waitFor(connected, 'the ingestor child to reconnect', 30_000);
        }
      },
    });
    expect(kills).toBe(2);
    await waitFor(async () => (await countPoints(influx().url, 'kill', 'gw-kill')) === sent, `${sent} points`, 60_000);
    expect(await countPoints(influx().url, 'kill', 'gw-kill')).toBe(6000);
    await child.stop();
    await broker.close({ drainMs: 0 });
    broker = undefined;
  });

  it('when the broker restarts mid-stream', async () => {
    const port = await freePort();
    broker = await startBroker(brokerConfig(port));
    const ingestor = await startIngestor({
      mqtt: { url: broker.mqttUrl, username: 'ingest', password: pw.ingest },
      influx: { url: influx().url, database: 'restart' },
      spill: { path: join(dir, 'restart-queue.db') },
      batch: { maxPoints: 1000, maxDelayMs: 200 },
    });
    let restarts = 0;
    const sent = await publishStream({
      url: broker.mqttUrl!,
      gateway: 'gw-restart',
      device: 'pm-1',
      client: { username: 'gw-restart', password: pw['gw-restart'] },
      messages: 300,
      linesPerMessage: 20,
      before: async (i) => {
        if (i !== 100 && i !== 200) return;
        await broker!.close();
        broker = await startBroker(brokerConfig(port));
        restarts++;
      },
    });
    expect(restarts).toBe(2);
    await waitFor(
      async () => (await countPoints(influx().url, 'restart', 'gw-restart')) === sent,
      `${sent} points`,
      60_000,
    );
    expect(await countPoints(influx().url, 'restart', 'gw-restart')).toBe(6000);
    await ingestor.close();
  });
});
