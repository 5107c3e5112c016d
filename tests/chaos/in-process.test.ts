import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { countPoints, messagePayload, streamStartNs } from '../../broker/ingest/testing.js';
import { addUser } from '../../broker/server/index.js';
import { freePort, type Service, spawnService, tempDir, useInflux, waitFor } from '../harness/index.js';

const CLI = new URL('../../bin/tidegate.js', import.meta.url).pathname;
const MESSAGES = 600;
const LINES = 20;
const KILLS = 3;

/**
 * A gateway: QoS 1 on a persistent session, about 6 s of messages. mqtt.js resends what it had sent
 * unacknowledged after a reconnect, but fails messages handed to it while it was resending when the
 * connection drops again ("Connection closed"): those are published again, as the edge agent does.
 */
async function publishAcrossKills(url: string, username: string, password: string): Promise<number> {
  const client = await mqtt.connectAsync(url, {
    clientId: `${username}-pub`,
    clean: false,
    username,
    password,
    reconnectPeriod: 100,
  });
  client.on('error', () => {});
  const o = { url, gateway: username, device: 'pm-1', messages: MESSAGES, linesPerMessage: LINES };
  const startNs = streamStartNs();
  const topic = `tidegate/${username}/data/pm-1`;
  const publishOne = async (payload: string) => {
    for (;;) {
      try {
        return await client.publishAsync(topic, payload, { qos: 1 });
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };
  const acked: Promise<unknown>[] = [];
  for (let i = 0; i < MESSAGES; i++) {
    acked.push(publishOne(messagePayload(o, i, startNs)));
    if (i % 10 === 9) await new Promise((r) => setTimeout(r, 100));
  }
  await Promise.all(acked);
  await client.endAsync();
  return MESSAGES * LINES;
}

/**
 * The in-process ingestor reads aedes directly (broker/ingest/in-process-reader.ts), with no durable
 * session of its own: a gateway's PUBACK has to wait for the spill queue's commit, or a message acked
 * and not yet committed dies with the broker. A `tidegate broker` with an `ingest:` section is killed
 * (SIGKILL) at random moments while a gateway publishes, and started again on the same files; the
 * gateway (persistent session, QoS 1) sends again what was not acknowledged.
 */
describe('the in-process ingestor under kill -9 of its broker', () => {
  const influx = useInflux();
  let broker: Service | undefined;
  afterEach(async () => {
    await broker?.stop();
  });

  it(`${KILLS} kills mid-stream: every reading the gateway sent is in InfluxDB`, { timeout: 180_000 }, async () => {
    const dir = tempDir('tidegate-in-process-kill-');
    const usersFile = join(dir, 'users.yaml');
    const gateway = await addUser(usersFile, 'gw-kill', 'gateway');
    const [mqttPort, httpPort] = [await freePort(), await freePort()];
    const config = join(dir, 'broker.yaml');
    writeFileSync(
      config,
      [
        'usersFile: users.yaml',
        `listeners: { mqtt: { host: 127.0.0.1, port: ${mqttPort} }, http: { host: 127.0.0.1, port: ${httpPort} } }`,
        'persistence: { type: sqlite, path: sessions.db }',
        `ingest: { influx: { url: "${influx().url}", database: inproc }, spill: { path: queue.db }, batch: { maxPoints: 500, maxDelayMs: 100 } }`,
        '',
      ].join('\n'),
    );
    const start = async () => {
      broker = spawnService('node', [CLI, 'broker', '--config', config], {
        env: { ...process.env, TIDEGATE_LOG_LEVEL: 'warn' },
      });
      const b = broker;
      await waitFor(
        async () => {
          if (b.child.exitCode !== null) throw new Error(`the broker exited: ${b.output().slice(-1500)}`);
          return (await fetch(`http://127.0.0.1:${httpPort}/health`)).status > 0;
        },
        'the broker to answer',
        60_000,
        50,
      );
    };
    await start();

    let publishing = true;
    const killer = (async () => {
      // Random moments while messages flow (the gateway goes on publishing while the broker is down).
      for (let k = 0; k < KILLS && publishing; k++) {
        await new Promise((r) => setTimeout(r, 300 + Math.random() * 1200));
        await broker!.stop('SIGKILL');
        await start();
      }
    })();
    const sent = await publishAcrossKills(`mqtt://127.0.0.1:${mqttPort}`, gateway.name, gateway.password);
    publishing = false;
    await killer;

    await waitFor(
      async () => (await countPoints(influx().url, 'inproc', gateway.name)) === sent,
      `all ${sent} points in InfluxDB`,
      90_000,
      200,
    ).catch(async (e: Error) => {
      const stored = await countPoints(influx().url, 'inproc', gateway.name);
      throw new Error(`${e.message}: ${stored} stored\n${broker?.output().slice(-2000)}`);
    });
    expect(await countPoints(influx().url, 'inproc', gateway.name)).toBe(MESSAGES * LINES);
  });
});
