import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../tests/harness/index.js';
import { readUsersFile, verifyPassword } from './users.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '../..');
const tidegate = (...args: string[]) => run(process.execPath, ['bin/tidegate.js', ...args], { cwd: root });

describe('tidegate broker user list | remove | passwd', () => {
  it('lists accounts, changes a password and removes an account', async () => {
    const users = join(tempDir('tidegate-cli-users-'), 'users.yaml');
    const first = (
      await tidegate('broker', 'user', 'add', 'gw-1', '--role', 'gateway', '--users', users)
    ).stdout.trim();
    await tidegate('broker', 'user', 'add', 'ops', '--role', 'operator', '--users', users);
    expect((await tidegate('broker', 'user', 'list', '--users', users)).stdout).toBe(
      'gw-1\tgateway\thmac-sha256\nops\toperator\thmac-sha256\n',
    );

    const second = (await tidegate('broker', 'user', 'passwd', 'gw-1', '--users', users)).stdout.trim();
    expect(second).toHaveLength(24);
    expect(second).not.toBe(first);
    expect(readFileSync(users, 'utf8')).not.toContain(second);
    const hash = readUsersFile(users).get('gw-1')!.password;
    expect(await verifyPassword(second, hash)).toBe(true);
    expect(await verifyPassword(first, hash)).toBe(false);

    await tidegate('broker', 'user', 'remove', 'ops', '--users', users);
    expect([...readUsersFile(users).keys()]).toEqual(['gw-1']);
    await expect(tidegate('broker', 'user', 'remove', 'ops', '--users', users)).rejects.toMatchObject({
      stderr: expect.stringContaining('no account named "ops"'),
    });
  });
});
