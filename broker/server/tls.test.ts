import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfSignedCertificate, tempDir } from '../../tests/harness/index.js';
import { addUser, type RunningBroker, startBroker } from './index.js';

/** MQTT over TLS with a cert and key file (a self-signed pair made with openssl for the test). */
const dir = tempDir('tidegate-tls-');
let broker: RunningBroker;
let password: string;
let selfSigned: { cert: string; key: string };

beforeAll(async () => {
  selfSigned = selfSignedCertificate(dir);
  const { cert, key } = selfSigned;
  const usersFile = join(dir, 'users.yaml');
  password = (await addUser(usersFile, 'gw-tls', 'gateway')).password;
  broker = await startBroker({
    usersFile,
    listeners: {
      mqtts: { port: 0, cert, key, handshakeTimeoutMs: 300 },
      http: { port: 0, anonymous: 'operator' },
    },
  });
}, 30_000);

afterAll(async () => {
  await broker?.close({ drainMs: 0 });
});

describe('listeners', () => {
  it('accepts MQTT over TLS with the configured certificate, and refuses a wrong password there too', async () => {
    const ca = readFileSync(selfSigned.cert);
    const client = await mqtt.connectAsync(broker.mqttsUrl!, { username: 'gw-tls', password, ca, reconnectPeriod: 0 });
    expect(client.connected).toBe(true);
    await client.endAsync();
    await expect(
      mqtt.connectAsync(broker.mqttsUrl!, { username: 'gw-tls', password: 'not-the-password', ca, reconnectPeriod: 0 }),
    ).rejects.toMatchObject({ code: 4 });
  });

  it('closes TLS connections that never complete a handshake (issue 12 item 7)', async () => {
    const port = Number(new URL(broker.mqttsUrl!).port);
    const open = (): Promise<Socket> =>
      new Promise((resolve) => {
        const s = connect(port, '127.0.0.1', () => resolve(s));
      });
    const sockets = await Promise.all(Array.from({ length: 20 }, open));
    sockets[0]?.write(Buffer.from([0x16, 0x03, 0x01, 0x00])); // the start of a ClientHello, never finished
    await Promise.all(sockets.map((s) => new Promise((r) => (s.destroyed ? r(null) : s.once('close', r)))));
    const metrics = await (await fetch(`${broker.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/tidegate_broker_connections_dropped_total\{reason="tls_handshake"\} (2\d|[3-9]\d)/);
  });

  it('lets anonymous clients in only where a listener says so, with that role', async () => {
    const watcher = await mqtt.connectAsync(broker.wsUrl!, { reconnectPeriod: 0 });
    expect((await watcher.subscribeAsync('tidegate/#')).map((g) => g.qos)).toEqual([0]);
    await watcher.endAsync();
  });
});
