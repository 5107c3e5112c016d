import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Service, selfSignedCertificate, spawnService, tempDir, waitFor } from '../../tests/harness/index.js';
import { addUser } from './index.js';
import { RawClient, rawConnect, remainingLength } from './test-support/raw-mqtt.js';

/**
 * Issue 12 item 6: packets that claim 256 MB, before and after login, on TCP, TLS and WebSocket. The
 * broker runs as its own process (`tidegate broker`) so its RSS can be read from /proc.
 */
const root = join(import.meta.dirname, '../..');
const dir = tempDir('tidegate-exhaustion-');
let broker: Service;
let urls: { mqtt: string; mqtts: string; ws: string; http: string };
let password: string;

const rssMb = () => {
  const status = readFileSync(`/proc/${broker.child.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]) / 1024;
};

beforeAll(async () => {
  const { cert, key } = selfSignedCertificate(dir);
  const usersFile = join(dir, 'users.yaml');
  password = (await addUser(usersFile, 'gw-big', 'gateway')).password;
  const config = join(dir, 'broker.yaml');
  writeFileSync(
    config,
    JSON.stringify({
      usersFile,
      listeners: {
        mqtt: { port: 0 },
        mqtts: { port: 0, cert, key },
        http: { port: 0 },
      },
      limits: { maxPayloadBytes: 65_536 },
    }),
  );
  broker = spawnService(process.execPath, ['bin/tidegate.js', 'broker', '--config', config], { cwd: root });
  await waitFor(() => broker.output().includes('broker listening'), 'the broker to listen', 30_000);
  const line = JSON.parse(
    broker
      .output()
      .split('\n')
      .find((l) => l.includes('broker listening')) ?? '{}',
  );
  urls = { mqtt: line.mqtt, mqtts: line.mqtts, ws: line.ws, http: line.http };
}, 60_000);

afterAll(async () => {
  await broker?.stop();
});

/** Sends a header claiming `claimed` bytes, then up to `send` bytes of body; returns what was written before the close. */
async function flood(client: RawClient, first: number, claimed: number, send: number): Promise<number> {
  await client.write(Buffer.concat([Buffer.from([first]), remainingLength(claimed)]));
  const chunk = Buffer.alloc(64 * 1024);
  let sent = 0;
  while (sent < send && !client.isClosed) {
    await client.write(chunk);
    sent += chunk.length;
  }
  await Promise.race([client.closed, new Promise((r) => setTimeout(r, 5_000))]);
  return sent;
}

const CLAIM = 255 * 1024 * 1024; // the largest remaining length is 256 MB - 1
const SEND = 8 * 1024 * 1024;

describe('6. what a connection may make the broker buffer', () => {
  it('closes a CONNECT claiming 255 MB at its header, on TCP, TLS and WebSocket; RSS stays flat', async () => {
    const before = rssMb();
    const clients: RawClient[] = [];
    for (const url of [urls.mqtt, urls.mqtts, urls.ws])
      for (let i = 0; i < 4; i++) clients.push(await RawClient.open(url));
    // 12 connections x 8 MB = 96 MB the broker would hold without the guard.
    await Promise.all(clients.map((c) => flood(c, 0x10, CLAIM, SEND)));
    for (const c of clients) expect(c.isClosed).toBe(true);
    const after = rssMb();
    expect(after - before).toBeLessThan(48);
  });

  it('closes an authenticated PUBLISH whose payload exceeds maxPayloadBytes at its header', async () => {
    const before = rssMb();
    for (const url of [urls.mqtt, urls.mqtts, urls.ws]) {
      const { client, code } = await rawConnect(url, { username: 'gw-big', password, clientId: `big-${url}` });
      expect(code).toBe(0);
      await flood(client, 0x30, CLAIM, SEND);
      expect(client.isClosed).toBe(true);
    }
    expect(rssMb() - before).toBeLessThan(48);
    const metrics = await (await fetch(`${urls.http}/metrics`)).text();
    expect(metrics).toMatch(/tidegate_broker_connections_dropped_total\{reason="packet_refused"\} 1[5-9]/);
  });
});
