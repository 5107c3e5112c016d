import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningBroker, startBroker } from './index.js';
import { connectPacket, RawClient, rawConnect, subscribePacket } from './test-support/raw-mqtt.js';

/**
 * An MQTT 3.1.1 client interoperability suite, modelled on the Eclipse Paho interoperability tests
 * (eclipse/paho.mqtt.testing, interoperability/client_test.py: same topics, same checks), run against
 * the broker with an anonymous `admin` listener and one rule refusing subscriptions to `nosubscribe`.
 * The client is mqtt.js where it can say what is needed, raw bytes where it cannot.
 */
const topics = ['TopicA', 'TopicA/B', 'Topic/C', 'TopicA/C', '/TopicA'];
const wildtopics = ['TopicA/+', '+/C', '#', '/#', '/+', '+/+', 'TopicA/#'];
const nosubscribe = 'nosubscribe';

let broker: RunningBroker;
const open: MqttClient[] = [];

beforeAll(async () => {
  broker = await startBroker({
    listeners: { mqtt: { port: 0, anonymous: 'admin' }, http: { port: 0, anonymous: 'admin' } },
    acl: [{ user: 'anonymous', action: 'subscribe', topic: nosubscribe, allow: false }],
    limits: { refusalDelayMs: 0 },
  });
}, 30_000);

afterAll(async () => {
  for (const c of open) c.end(true);
  await broker?.close({ drainMs: 0 });
});

type Message = { topic: string; payload: string; qos: number; retain: boolean };

async function client(clientId: string, o: IClientOptions = {}): Promise<MqttClient & { messages: Message[] }> {
  const c = (await mqtt.connectAsync(broker.mqttUrl!, {
    clientId,
    protocolVersion: 4,
    reconnectPeriod: 0,
    ...o,
  })) as MqttClient & { messages: Message[] };
  c.messages = [];
  c.on('message', (topic, payload, packet) =>
    c.messages.push({ topic, payload: payload.toString(), qos: packet.qos, retain: packet.retain }),
  );
  open.push(c);
  return c;
}

/** Publishes a marker after the messages under test and waits for it, so "nothing more came" is proven. */
async function settled(c: MqttClient & { messages: Message[] }, filter = 'marker/+'): Promise<Message[]> {
  const id = `marker/${Math.random().toString(36).slice(2)}`;
  await c.subscribeAsync(filter, { qos: 1 });
  await c.publishAsync(id, 'm', { qos: 1 });
  for (let i = 0; i < 200 && !c.messages.some((m) => m.topic === id); i++) await new Promise((r) => setTimeout(r, 20));
  await c.unsubscribeAsync(filter);
  return c.messages.filter((m) => !m.topic.startsWith('marker/'));
}

describe('MQTT 3.1.1 interoperability (Paho client_test.py)', () => {
  it('basic: QoS 0, 1 and 2 round trip; a second CONNECT and a wrong protocol name close the connection', async () => {
    const a = await client('myclientid');
    await a.endAsync();
    const b = await client('myclientid');
    await b.subscribeAsync(topics[0]!, { qos: 2 });
    for (const qos of [0, 1, 2] as const) await b.publishAsync(topics[0]!, `qos ${qos}`, { qos });
    expect((await settled(b)).map((m) => m.payload)).toEqual(['qos 0', 'qos 1', 'qos 2']);
    await b.endAsync();

    const twice = await rawConnect(broker.mqttUrl!, { clientId: 'twice' });
    expect(twice.code).toBe(0);
    await twice.client.write(connectPacket({ clientId: 'twice' }));
    await twice.client.closed;
    const wrong = await RawClient.open(broker.mqttUrl!);
    const bad = connectPacket({ clientId: 'hj' });
    bad.write('hj', 4, 'utf8'); // protocol name length stays 4: "hjTT"
    await wrong.write(bad);
    expect(await wrong.next(2)).toBeUndefined();
  });

  it('retained messages: kept per topic, delivered on subscribe, cleared by an empty retained message', async () => {
    const a = await client('myclientid');
    for (const [i, qos] of [0, 1, 2].entries())
      await a.publishAsync(topics[i + 1]!, `qos ${qos}`, { qos: qos as 0 | 1 | 2, retain: true });
    await a.subscribeAsync(wildtopics[5]!, { qos: 2 });
    const got = await settled(a);
    expect(got.map((m) => m.topic).sort()).toEqual(['Topic/C', 'TopicA/B', 'TopicA/C']);
    expect(got.every((m) => m.retain)).toBe(true);
    await a.endAsync();
    const b = await client('myclientid');
    for (const [i, qos] of [0, 1, 2].entries())
      await b.publishAsync(topics[i + 1]!, '', { qos: qos as 0 | 1 | 2, retain: true });
    await b.subscribeAsync(wildtopics[5]!, { qos: 2 });
    expect(await settled(b)).toEqual([]);
    await b.endAsync();
  });

  it('offline message queueing: QoS 1 and 2 messages wait for a persistent session', async () => {
    const a = await client('myclientid', { clean: false });
    await a.subscribeAsync(wildtopics[5]!, { qos: 2 });
    await a.endAsync();
    const b = await client('myclientid2');
    for (const [i, qos] of [0, 1, 2].entries())
      await b.publishAsync(topics[i + 1]!, `qos ${qos}`, { qos: qos as 0 | 1 | 2 });
    await b.endAsync();
    const back = await client('myclientid', { clean: false });
    const got = await settled(back);
    expect([2, 3]).toContain(got.length);
    expect(got.map((m) => m.payload)).toEqual(expect.arrayContaining(['qos 1', 'qos 2']));
    await back.endAsync();
    (await client('myclientid', { clean: true })).end(true);
  });

  it('will message: published when the client goes away without DISCONNECT', async () => {
    const b = await client('myclientid2', { clean: false });
    await b.subscribeAsync(topics[2]!, { qos: 2 });
    const a = await rawConnect(broker.mqttUrl!, {
      clientId: 'myclientid',
      keepalive: 2,
      will: { topic: topics[2]!, payload: 'client not disconnected' },
    });
    expect(a.code).toBe(0);
    a.client.close();
    for (let i = 0; i < 250 && b.messages.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(b.messages.map((m) => m.payload)).toEqual(['client not disconnected']);
    await b.endAsync();
    (await client('myclientid2', { clean: true })).end(true);
  });

  it('overlapping subscriptions: one message at the highest QoS, or one per subscription', async () => {
    const a = await client('myclientid');
    await a.subscribeAsync({ [wildtopics[6]!]: { qos: 2 }, [wildtopics[0]!]: { qos: 1 } });
    await a.publishAsync(topics[3]!, 'overlapping topic filters', { qos: 2 });
    const got = await settled(a);
    expect([1, 2]).toContain(got.length);
    if (got.length === 1) expect(got[0]?.qos).toBe(2);
    else expect(got.map((m) => m.qos).sort()).toEqual([1, 2]);
    await a.endAsync();
  });

  it('keepalive: a silent client is dropped after 1.5 x keepalive and its will published', async () => {
    const b = await client('myclientid2', { keepalive: 0 });
    await b.subscribeAsync(topics[4]!, { qos: 2 });
    const silent = await rawConnect(broker.mqttUrl!, {
      clientId: 'myclientid',
      keepalive: 1,
      will: { topic: topics[4]!, payload: 'keepalive expiry' },
    });
    expect(silent.code).toBe(0);
    await silent.client.closed;
    for (let i = 0; i < 250 && b.messages.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(b.messages.map((m) => [m.topic, m.payload])).toEqual([['/TopicA', 'keepalive expiry']]);
    await b.endAsync();
  });

  // aedes 1.2 does not set DUP on a redelivered PUBLISH (MQTT-3.3.1-1); Paho's test does not look at it either.
  it('redelivery on reconnect: unacknowledged QoS 1 and 2 messages come again', async () => {
    const b = await rawConnect(broker.mqttUrl!, { clientId: 'myclientid2', clean: false });
    await b.client.write(subscribePacket(1, [[wildtopics[6]!, 2]]));
    await b.client.next(9);
    const a = await client('myclientid');
    await a.publishAsync(topics[1]!, '', { qos: 1 });
    await a.publishAsync(topics[3]!, '', { qos: 2 });
    await a.endAsync();
    const first = [await b.client.next(3), await b.client.next(3)]; // never acknowledged
    expect(first.map((p) => p?.topic)).toEqual(['TopicA/B', 'TopicA/C']);
    b.client.close();
    await b.client.closed;
    const again = await rawConnect(broker.mqttUrl!, { clientId: 'myclientid2', clean: false });
    const redelivered = [await again.client.next(3), await again.client.next(3)];
    expect(redelivered.map((p) => p?.topic).sort()).toEqual(['TopicA/B', 'TopicA/C']);
    again.client.close();
    (await client('myclientid2', { clean: true })).end(true);
  });

  it('zero-length client id: refused with clean session 0 (CONNACK 2), accepted with 1', async () => {
    expect((await rawConnect(broker.mqttUrl!, { clientId: '', clean: false })).code).toBe(2);
    const ok = await rawConnect(broker.mqttUrl!, { clientId: '', clean: true });
    expect(ok.code).toBe(0);
    ok.client.close();
  });

  it('subscribe failure: 0x80 for the refused filter, the connection stays', async () => {
    const a = await client('myclientid');
    const granted = await a.subscribeAsync(nosubscribe, { qos: 2 }).then(
      (g) => g.map((x) => x.qos),
      (e: { packet: { granted: number[] } }) => e.packet.granted,
    );
    expect(granted).toEqual([0x80]);
    expect(a.connected).toBe(true);
    await a.endAsync();
  });

  it('$-topics: a filter starting with a wildcard does not match a topic starting with $', async () => {
    const b = await client('myclientid2', { keepalive: 0 });
    await b.subscribeAsync([wildtopics[5]!, wildtopics[2]!], { qos: 2 });
    await b.publishAsync(`$${topics[1]}`, '', { qos: 1 });
    expect((await settled(b)).filter((m) => m.topic.startsWith('$'))).toEqual([]);
    await b.endAsync();
  });

  it('unsubscribe: no more messages from the filters taken away', async () => {
    const a = await client('myclientid');
    await a.subscribeAsync([topics[1]!, topics[2]!, topics[3]!], { qos: 2 });
    await a.unsubscribeAsync([topics[1]!, topics[2]!]);
    for (const t of [topics[1]!, topics[2]!, topics[3]!]) await a.publishAsync(t, '', { qos: 1 });
    expect((await settled(a)).map((m) => m.topic)).toEqual(['TopicA/C']);
    await a.endAsync();
  });
});
