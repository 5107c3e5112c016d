import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../../server/users.js';
import { OperatorAuth } from './auth.js';

const request = (user?: string, password?: string) =>
  ({
    headers:
      user === undefined ? {} : { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` },
  }) as IncomingMessage;

describe('OperatorAuth', () => {
  it('lets operators and admins in, refuses others, and checks a password with scrypt once per 10 minutes', async () => {
    const hashes = {
      alice: await hashPassword('alice-password'),
      root: await hashPassword('root-password'),
      'gw-1': await hashPassword('gateway-password'),
    };
    const roles = { alice: 'operator', root: 'admin', 'gw-1': 'gateway' } as const;
    let checks = 0;
    let now = 0;
    const auth = new OperatorAuth(
      {
        get: (name) =>
          name in hashes
            ? { name, role: roles[name as keyof typeof roles], password: hashes[name as keyof typeof hashes] }
            : undefined,
        verify: (p, h) => {
          checks++;
          return verifyPassword(p, h);
        },
      },
      () => now,
    );
    expect(await auth.check(request())).toMatchObject({ ok: false, status: 401 });
    expect(await auth.check(request('alice', 'wrong'))).toMatchObject({ ok: false, status: 401 });
    expect(await auth.check(request('nobody', 'x'))).toMatchObject({ ok: false, status: 401 });
    expect(await auth.check(request('gw-1', 'gateway-password'))).toMatchObject({ ok: false, status: 403 });
    expect(await auth.check(request('root', 'root-password'))).toMatchObject({ ok: true, role: 'admin' });
    checks = 0;
    expect(await auth.check(request('alice', 'alice-password'))).toEqual({ ok: true, user: 'alice', role: 'operator' });
    expect(await auth.check(request('alice', 'alice-password'))).toMatchObject({ ok: true });
    expect(checks).toBe(1);
    expect(await auth.check(request('alice', 'not-it'))).toMatchObject({ ok: false, status: 401 });
    now += 11 * 60_000;
    checks = 0;
    expect(await auth.check(request('alice', 'alice-password'))).toMatchObject({ ok: true });
    expect(checks).toBe(1);
  });
});
