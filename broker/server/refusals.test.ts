import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, waitFor } from '../../tests/harness/index.js';
import { addUser, type RunningBroker, startBroker } from './index.js';

/** Each refusal of the ACL, the accounts and the limits, against the real aedes broker. */
let broker: RunningBroker;
const pw: Record<string, string> = {};
const seen: string[] = [];
let watcher: MqttClient;

const connect = (user: string, extra: mqtt.IClientOptions = {}) =>
  mqtt.connectAsync(broker.mqttUrl!, { username: user, password: pw[user], reconnectPeriod: 0, ...extra });

/** Publishes, then waits for a marker published after it by the admin, so "not delivered" is proven. */
async function publishedThrough(client: MqttClient, topic: string, payload: string | Buffer): Promise<boolean> {
  const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
  client.publish(topic, payload, { qos: 1 });
  await Promise.race([closed, new Promise((r) => setTimeout(r, 300))]);
  const marker = `marker-${seen.length}-${Math.random()}`;
  await watcher.publishAsync('test/marker', marker, { qos: 1 });
  await waitFor(() => seen.includes(`test/marker ${marker}`), 'the marker', 5_000);
  return seen.some((s) => s.startsWith(`${topic} `));
}

beforeAll(async () => {
  const dir = tempDir('tidegate-acl-');
  const usersFile = join(dir, 'users.yaml');
  for (const [name, role] of [
    ['gw-1', 'gateway'],
    ['gw-2', 'gateway'],
    ['ops', 'operator'],
    ['root', 'admin'],
    ['ingest', 'ingestor'],
  ] as const)
    pw[name] = (await addUser(usersFile, name, role)).password;
  broker = await startBroker({
    usersFile,
    listeners: { mqtt: { port: 0 }, http: { port: 0 } },
    limits: { maxPayloadBytes: 1024, maxConnectionsPerUser: 2 },
    acl: [{ user: 'ops', action: 'subscribe', topic: 'tidegate/gw-2/#', allow: false }],
    durableSessions: [{ clientId: 'tidegate-ingestor', topics: ['tidegate/+/data/+'] }],
  });
  watcher = await connect('root', { clientId: 'watcher' });
  watcher.on('message', (topic, payload) => seen.push(`${topic} ${payload.toString()}`));
  await watcher.subscribeAsync('#', { qos: 1 });
}, 60_000);

afterAll(async () => {
  await watcher?.endAsync();
  await broker?.close({ drainMs: 0 });
});

describe('the broker refuses', () => {
  it('a wrong password (CONNACK 4) and an unknown user', async () => {
    await expect(
      mqtt.connectAsync(broker.mqttUrl!, { username: 'gw-1', password: 'wrong-password', reconnectPeriod: 0 }),
    ).rejects.toMatchObject({ code: 4 });
    await expect(
      mqtt.connectAsync(broker.mqttUrl!, { username: 'nobody', password: 'whatever1', reconnectPeriod: 0 }),
    ).rejects.toMatchObject({ code: 4 });
  });

  it('anonymous clients on a listener not configured for them (CONNACK 5)', async () => {
    await expect(mqtt.connectAsync(broker.mqttUrl!, { reconnectPeriod: 0 })).rejects.toMatchObject({ code: 5 });
  });

  it('a gateway publishing as another gateway: dropped, never delivered', async () => {
    const gw = await connect('gw-1');
    expect(await publishedThrough(gw, 'tidegate/gw-2/data/pm-1', 'air_quality v=1 1')).toBe(false);
    gw.end(true);
    const ok = await connect('gw-1');
    expect(await publishedThrough(ok, 'tidegate/gw-1/data/pm-1', 'air_quality v=1 1')).toBe(true);
    await ok.endAsync();
  });

  it("a gateway subscribing to another gateway's commands gets 0x80 and keeps its connection", async () => {
    const gw = await connect('gw-1');
    const granted = await gw.subscribeAsync('tidegate/gw-2/command', { qos: 1 }).then(
      () => 'granted',
      (e: { packet: { granted: number[] } }) => e.packet.granted,
    );
    expect(granted).toEqual([128]);
    expect(gw.connected).toBe(true);
    const own = await gw.subscribeAsync('tidegate/gw-1/command', { qos: 1 });
    expect(own.map((g) => g.qos)).toEqual([1]);
    await gw.endAsync();
  });

  it('an operator publishing anything', async () => {
    const ops = await connect('ops');
    expect(await publishedThrough(ops, 'tidegate/gw-1/command', '{"reboot":true}')).toBe(false);
    ops.end(true);
  });

  it('an operator subscribing where a per-user deny rule says no', async () => {
    const ops = await connect('ops');
    const denied = await ops
      .subscribeAsync('tidegate/gw-2/status')
      .catch((e: { packet: { granted: number[] } }) => e.packet.granted);
    expect(denied).toEqual([128]);
    expect((await ops.subscribeAsync('tidegate/gw-1/status')).map((g) => g.qos)).toEqual([0]);
    await ops.endAsync();
  });

  it('a payload over limits.maxPayloadBytes and a topic with an empty level', async () => {
    const gw = await connect('gw-1');
    expect(await publishedThrough(gw, 'tidegate/gw-1/data/big', Buffer.alloc(2048, 'x'))).toBe(false);
    const gw2 = await connect('gw-1');
    expect(await publishedThrough(gw2, 'tidegate/gw-1/events/', '{}')).toBe(false);
    gw.end(true);
    gw2.end(true);
  });

  it('more connections than limits.maxConnectionsPerUser', async () => {
    const a = await connect('gw-2', { clientId: 'gw-2-a' });
    const b = await connect('gw-2', { clientId: 'gw-2-b' });
    await expect(connect('gw-2', { clientId: 'gw-2-c' })).rejects.toMatchObject({ code: 5 });
    await a.endAsync();
    await b.endAsync();
  });

  it("a gateway taking the ingestor's reserved client id", async () => {
    await expect(connect('gw-1', { clientId: 'tidegate-ingestor' })).rejects.toMatchObject({ code: 5 });
    const ingest = await connect('ingest', { clientId: 'tidegate-ingestor', clean: false });
    expect(ingest.connected).toBe(true);
    await ingest.endAsync();
  });

  it('counts every refusal in /metrics', async () => {
    const text = await (await fetch(`${broker.httpUrl}/metrics`)).text();
    const total = (name: string) =>
      [...text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\d+)$`, 'gm'))].reduce((n, m) => n + Number(m[1]), 0);
    // The oversized payload never reaches aedes: the packet guard closes the connection at its header.
    expect(total('tidegate_broker_publish_denied_total')).toBe(3);
    expect(text).toMatch(/^tidegate_broker_connections_dropped_total\{reason="packet_refused"\} 1$/m);
    expect(text).toMatch(/^tidegate_broker_publish_denied_total\{reason="acl"\} 2$/m);
    expect(text).toMatch(/^tidegate_broker_publish_denied_total\{reason="topic"\} 1$/m);
    expect(total('tidegate_broker_subscribe_denied_total')).toBe(2);
    expect(total('tidegate_broker_connections_refused_total')).toBe(5);
  });
});
