import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../tests/harness/index.js';
import { addUser, type RunningBroker, startBroker } from './index.js';
import { rawConnect } from './test-support/raw-mqtt.js';
import { readUsersFile } from './users.js';

/** Issue 12 item 8: repeated failures are throttled per source address and per (person-chosen) account. */
const dir = tempDir('tidegate-login-');
const usersFile = join(dir, 'users.yaml');
let broker: RunningBroker;
let gatewayPassword: string;
const personPassword = 'correct horse battery staple';

beforeAll(async () => {
  gatewayPassword = (await addUser(usersFile, 'gw-1', 'gateway')).password;
  await addUser(usersFile, 'night-ops', 'operator', personPassword);
  broker = await startBroker({
    usersFile,
    listeners: { mqtt: { port: 0 }, http: { port: 0 } },
    limits: { loginFailuresPerAddress: 5, loginFailuresPerAccount: 3, refusalDelayMs: 0 },
  });
}, 30_000);

afterAll(async () => {
  await broker?.close({ drainMs: 0 });
});

const attempt = async (user: string, password: string, localAddress: string) => {
  const { client, code } = await rawConnect(
    broker.mqttUrl!,
    { username: user, password, clientId: `${user}-${Math.random()}` },
    localAddress,
  );
  client.close();
  return code;
};
const refusedAs = async (reason: string) => {
  const text = await (await fetch(`${broker.httpUrl}/metrics`)).text();
  return Number(
    new RegExp(`tidegate_broker_connections_refused_total\\{reason="${reason}"\\} (\\d+)`).exec(text)?.[1] ?? 0,
  );
};

describe('login throttle', () => {
  it('stores a generated password as HMAC and a person-chosen one as scrypt', () => {
    const accounts = readUsersFile(usersFile);
    expect(accounts.get('gw-1')?.password).toMatch(/^hmac-sha256\$/);
    expect(accounts.get('night-ops')?.password).toMatch(/^scrypt\$/);
  });

  it('throttles an address after repeated failures, without locking out other addresses', async () => {
    for (let i = 0; i < 8; i++) expect(await attempt('gw-1', 'wrong-password', '127.0.0.2')).toBe(4);
    expect(await refusedAs('throttled')).toBeGreaterThanOrEqual(3);
    // the right password from the flooding address is refused too, until failures age out...
    expect(await attempt('gw-1', gatewayPassword, '127.0.0.2')).toBe(4);
    // ...but the gateway itself, elsewhere, gets in: a generated password's account is never locked
    expect(await attempt('gw-1', gatewayPassword, '127.0.0.3')).toBe(0);
  });

  it("throttles a person-chosen password's account, yet lets in a credential verified before", async () => {
    expect(await attempt('night-ops', personPassword, '127.0.0.4')).toBe(0); // verified, remembered
    const before = await refusedAs('throttled');
    for (const [i, a] of ['127.0.0.5', '127.0.0.6', '127.0.0.7', '127.0.0.8', '127.0.0.9'].entries())
      expect(await attempt('night-ops', `guess-${i}`, a)).toBe(4);
    expect(await refusedAs('throttled')).toBeGreaterThan(before);
    expect(await attempt('night-ops', personPassword, '127.0.0.10')).toBe(0);
  });
});
