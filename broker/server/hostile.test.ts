import { join } from 'node:path';
import { Writable } from 'node:stream';
import mqtt, { type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, waitFor } from '../../tests/harness/index.js';
import { addUser, type RunningBroker, startBroker } from './index.js';
import { disconnectPacket, publishPacket, rawConnect, subscribePacket } from './test-support/raw-mqtt.js';
import { removeUser, setPassword } from './users.js';

/**
 * Issue 12: what a hostile client holding a valid gateway account (and raw MQTT bytes) tried, against
 * the real broker, over TCP and over WebSocket where the transport matters.
 */
const dir = tempDir('tidegate-hostile-');
const usersFile = join(dir, 'users.yaml');
const pw: Record<string, string> = {};
const logLines: string[] = [];
let broker: RunningBroker;
let root: MqttClient;
const seen: string[] = [];

const PUBLISH = 3;
const SUBACK = 9;
const PINGRESP = 13;

beforeAll(async () => {
  for (const [name, role] of [
    ['gwA', 'gateway'],
    ['gwB', 'gateway'],
    ['gwC', 'gateway'],
    ['ops', 'operator'],
    ['root', 'admin'],
  ] as const)
    pw[name] = (await addUser(usersFile, name, role)).password;
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logLines.push(...chunk.toString().split('\n').filter(Boolean));
      cb();
    },
  });
  broker = await startBroker(
    {
      usersFile,
      listeners: { mqtt: { port: 0 }, http: { port: 0, anonymous: 'operator' } },
      limits: {
        refusalDelayMs: 20,
        maxAnonymousConnections: 2,
        maxConnectionsPerUser: 3,
        loginFailuresPerAddress: 1000,
      },
      acl: [
        { user: 'ops', action: 'subscribe', topic: 'tidegate/gwB/#', allow: false },
        { user: 'anonymous', action: 'subscribe', topic: 'tidegate/+/command', allow: false },
      ],
    },
    { logger: pino({ level: 'info' }, sink) },
  );
  root = await mqtt.connectAsync(broker.mqttUrl!, { username: 'root', password: pw.root, reconnectPeriod: 0 });
  root.on('message', (topic, payload) => seen.push(`${topic} ${payload.toString()}`));
  await root.subscribeAsync('tidegate/#', { qos: 1 });
}, 60_000);

afterAll(async () => {
  await root?.endAsync();
  await broker?.close({ drainMs: 0 });
});

const urls = () => [
  ['TCP', broker.mqttUrl!],
  ['WebSocket', broker.wsUrl!],
];
const login = (user: string, o: Parameters<typeof rawConnect>[1] = {}) => ({
  username: user,
  password: pw[user],
  ...o,
});

describe('1. session theft', () => {
  it.each(['TCP', 'WebSocket'])(
    "another account resuming a gateway's persistent session gets CONNACK 5; the owner gets everything, in order (%s)",
    async (transport) => {
      const url = urls().find(([t]) => t === transport)![1] as string;
      const id = `session-${transport}`;
      const a = await rawConnect(url, login('gwA', { clientId: id, clean: false }));
      expect(a.code).toBe(0);
      await a.client.write(subscribePacket(1, [['tidegate/gwA/command', 1]]));
      expect((await a.client.next(SUBACK))?.granted).toEqual([1]);
      await a.client.write(disconnectPacket());
      await a.client.closed;
      for (let i = 1; i <= 3; i++) await root.publishAsync('tidegate/gwA/command', `cmd-${i}`, { qos: 1 });

      const b = await rawConnect(url, login('gwB', { clientId: id, clean: false }));
      expect(b.code).toBe(5);
      expect(b.client.received(PUBLISH)).toEqual([]);
      const b2 = await rawConnect(url, login('gwB', { clientId: id, clean: true }));
      expect(b2.code).toBe(5); // a clean start would have wiped gwA's queue
      b.client.close();
      b2.client.close();

      const again = await rawConnect(url, login('gwA', { clientId: id, clean: false }));
      expect(again.code).toBe(0);
      const got = [];
      for (let i = 0; i < 3; i++) got.push((await again.client.next(PUBLISH))?.payload);
      expect(got).toEqual(['cmd-1', 'cmd-2', 'cmd-3']);
      again.client.close();
    },
  );

  it('queued and retained messages pass the same authorisation as live ones (authorizeForward)', async () => {
    await root.publishAsync('tidegate/gwB/command', 'retained-for-B', { qos: 1, retain: true });
    await root.publishAsync('tidegate/gwA/command', 'retained-for-A', { qos: 1, retain: true });
    const a = await rawConnect(broker.mqttUrl!, login('gwA', { clientId: 'forward-A', clean: false }));
    await a.client.write(subscribePacket(1, [['tidegate/+/command', 1]]));
    expect((await a.client.next(SUBACK))?.granted).toEqual([1]); // granted, filtered on delivery
    expect((await a.client.next(PUBLISH))?.payload).toBe('retained-for-A');
    await a.client.write(disconnectPacket());
    await a.client.closed;
    await root.publishAsync('tidegate/gwB/command', 'queued-for-B', { qos: 1 });
    await root.publishAsync('tidegate/gwA/command', 'queued-for-A', { qos: 1 });
    const back = await rawConnect(broker.mqttUrl!, login('gwA', { clientId: 'forward-A', clean: false }));
    expect((await back.client.next(PUBLISH))?.payload).toBe('queued-for-A');
    await root.publishAsync('tidegate/gwA/command', 'marker', { qos: 1 });
    expect((await back.client.next(PUBLISH))?.payload).toBe('marker');
    expect(back.client.received(PUBLISH)).toEqual([]);
    back.client.close();
    await root.publishAsync('tidegate/gwB/command', '', { qos: 1, retain: true });
    await root.publishAsync('tidegate/gwA/command', '', { qos: 1, retain: true });
  });
});

describe('2. client-id takeover', () => {
  it.each(['TCP', 'WebSocket'])(
    "gwB using gwA's live or predictable client id is refused; gwA stays, no false will (%s)",
    async (transport) => {
      const url = urls().find(([t]) => t === transport)![1] as string;
      const will = { topic: 'tidegate/gwA/status', payload: `offline-${transport}`, qos: 1 };
      const a = await rawConnect(url, login('gwA', { clientId: 'tidegate-gwA', will }));
      expect(a.code).toBe(0);
      const shared = await rawConnect(url, login('gwA', { clientId: `shared-${transport}` }));
      expect((await rawConnect(url, login('gwB', { clientId: 'tidegate-gwA' }))).code).toBe(5);
      expect((await rawConnect(url, login('gwB', { clientId: `shared-${transport}` }))).code).toBe(5);
      await a.client.write(Buffer.from([0xc0, 0])); // PINGREQ: gwA is still connected
      expect((await a.client.next(PINGRESP))?.type).toBe(PINGRESP);
      await root.publishAsync('tidegate/gwA/status', `marker-${transport}`, { qos: 1 });
      await waitFor(() => seen.includes(`tidegate/gwA/status marker-${transport}`), 'the marker', 5_000);
      expect(seen).not.toContain(`tidegate/gwA/status offline-${transport}`);
      // The account itself may take its id over (a gateway reconnecting after a half-open link).
      const again = await rawConnect(url, login('gwA', { clientId: 'tidegate-gwA' }));
      expect(again.code).toBe(0);
      await a.client.closed;
      again.client.close();
      shared.client.close();
    },
  );
});

describe('3. revocation', () => {
  it("closes an account's live connections when it is removed or its password changes", async () => {
    const c = await rawConnect(broker.mqttUrl!, login('gwC', { clientId: 'revoke-1' }));
    expect(c.code).toBe(0);
    const newPassword = await setPassword(usersFile, 'gwC');
    await c.client.closed;
    const d = await rawConnect(broker.mqttUrl!, { username: 'gwC', password: newPassword, clientId: 'revoke-2' });
    expect(d.code).toBe(0);
    removeUser(usersFile, 'gwC');
    await d.client.closed;
    const e = await rawConnect(broker.mqttUrl!, { username: 'gwC', password: newPassword, clientId: 'revoke-3' });
    expect(e.code).toBe(4);
  });
});

describe('4. anonymous clients', () => {
  it('share the principal "anonymous": ACL rules target them all, and their connection limit applies', async () => {
    const one = await rawConnect(broker.wsUrl!, { clientId: 'anon-1' });
    const two = await rawConnect(broker.wsUrl!, { clientId: 'anon-2' });
    expect([one.code, two.code]).toEqual([0, 0]);
    await one.client.write(subscribePacket(1, [['tidegate/gwA/command', 0]]));
    expect((await one.client.next(SUBACK))?.granted).toEqual([0x80]);
    expect((await rawConnect(broker.wsUrl!, { clientId: 'anon-3' })).code).toBe(5);
    // ...and cannot take an account's id
    expect((await rawConnect(broker.wsUrl!, { clientId: 'tidegate-gwA' })).code).toBe(5);
    one.client.close();
    two.client.close();
  });
});

describe('9. refusal logs and metric labels', () => {
  it('clips attacker-chosen strings and rate-limits refusal lines', async () => {
    const before = logLines.length;
    const longId = 'x'.repeat(10_000);
    for (let i = 0; i < 30; i++) {
      const r = await rawConnect(broker.mqttUrl!, { clientId: `${longId}${i}`, username: 'nobody', password: 'wrong' });
      expect(r.code).toBe(4);
      r.client.close();
    }
    const lines = logLines.slice(before).filter((l) => l.includes('connection refused'));
    expect(lines.length).toBeLessThanOrEqual(20);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThan(1_000);
  });

  it('labels publish refusals acl / topic / payload_too_large, never "acl:"', async () => {
    const gw = await rawConnect(broker.mqttUrl!, login('gwA', { clientId: 'label-1' }));
    await gw.client.write(publishPacket('tidegate/gwB/status', 'x', { qos: 1 }));
    await gw.client.closed;
    const text = await (await fetch(`${broker.httpUrl}/metrics`)).text();
    expect(text).toMatch(/tidegate_broker_publish_denied_total\{reason="acl"\} [1-9]/);
    expect(text).not.toContain('reason="acl:"');
  });
});

describe('10/11. wildcard grants and every valid topic', () => {
  it('grants an operator # despite a deny rule, and filters what is delivered', async () => {
    const ops = await rawConnect(broker.mqttUrl!, login('ops', { clientId: 'ops-1' }));
    expect(ops.code).toBe(0);
    await ops.client.write(
      subscribePacket(1, [
        ['#', 0],
        ['+/+', 0],
        ['tidegate/gwB/#', 0],
      ]),
    );
    expect((await ops.client.next(SUBACK))?.granted).toEqual([0, 0, 0x80]);
    await root.publishAsync('tidegate/gwB/status', 'hidden', { qos: 1 });
    await root.publishAsync('tidegate/gwA/status', 'visible', { qos: 1 });
    expect((await ops.client.next(PUBLISH))?.payload).toBe('visible');
    expect(ops.client.received(PUBLISH).map((p) => p.payload)).not.toContain('hidden');
    ops.client.close();
  });

  it('lets admin publish $-topics and topics with empty levels, and use them as a will topic', async () => {
    const a = await rawConnect(broker.mqttUrl!, {
      ...login('root', { clientId: 'admin-topics' }),
      will: { topic: '/TopicA', payload: 'gone' },
    });
    expect(a.code).toBe(0);
    await a.client.write(
      subscribePacket(1, [
        ['/TopicA', 1],
        ['$TopicA/B', 1],
        ['TopicA//C', 1],
      ]),
    );
    expect((await a.client.next(SUBACK))?.granted).toEqual([1, 1, 1]);
    for (const [i, topic] of ['/TopicA', '$TopicA/B', 'TopicA//C'].entries())
      await a.client.write(publishPacket(topic, topic, { qos: 1, id: i + 1 }));
    const got = new Set<string | undefined>();
    for (let i = 0; i < 3; i++) got.add((await a.client.next(PUBLISH))?.topic);
    expect(got).toEqual(new Set(['/TopicA', '$TopicA/B', 'TopicA//C']));
    expect(a.client.isClosed).toBe(false);
    a.client.close();
  });
});

describe('12. client ids (MQTT-3.1.3-8, MQTT-1.5.3)', () => {
  it.each(['TCP', 'WebSocket'])(
    'refuses a zero-length id with clean session 0 and bad UTF-8 or U+0000 (%s)',
    async (transport) => {
      const url = urls().find(([t]) => t === transport)![1] as string;
      const creds = login('gwA');
      expect((await rawConnect(url, { ...creds, clientId: '', clean: false })).code).toBe(2);
      const ok = await rawConnect(url, { ...creds, clientId: '', clean: true });
      expect(ok.code).toBe(0);
      ok.client.close();
      expect((await rawConnect(url, { ...creds, clientId: 'bad\u0000id' })).code).toBe(2);
      expect((await rawConnect(url, { ...creds, clientId: Buffer.from([0x61, 0xc3, 0x28]) })).code).toBe(2);
      const badWill = await rawConnect(url, {
        ...creds,
        clientId: 'w',
        will: { topic: Buffer.from([0xff]), payload: 'x' },
      });
      expect(badWill.code).toBeUndefined(); // closed, no CONNACK (MQTT-1.5.3-1)
    },
  );
});

describe('5. /health and /metrics exposure', () => {
  it('is served on loopback by default, and follows listeners.http.expose', async () => {
    expect((await fetch(`${broker.httpUrl}/health`)).status).toBe(200);
    const closed = await startBroker({
      listeners: { http: { port: 0, expose: { health: 'off', metrics: 'any' } } },
    });
    try {
      expect((await fetch(`${closed.httpUrl}/health`)).status).toBe(404);
      expect((await fetch(`${closed.httpUrl}/metrics`)).status).toBe(200);
    } finally {
      await closed.close({ drainMs: 0 });
    }
  });
});
