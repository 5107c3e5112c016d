import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { tempDir, useInflux } from '../../tests/harness/index.js';
import { readUsersFile, verifyPassword } from './users.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '../..');
const tidegate = (...args: string[]) => run(process.execPath, ['bin/tidegate.js', ...args], { cwd: root });
const influx = useInflux();
const dir = tempDir('tidegate-cli-');

describe('tidegate broker user add', () => {
  it('writes only a hash and prints the generated password once', async () => {
    const users = join(dir, 'users.yaml');
    const { stdout } = await tidegate('broker', 'user', 'add', 'gw-cli', '--role', 'gateway', '--users', users);
    const password = stdout.trim();
    expect(password).toHaveLength(24);
    expect(readFileSync(users, 'utf8')).not.toContain(password);
    const account = readUsersFile(users).get('gw-cli')!;
    expect(account.role).toBe('gateway');
    expect(await verifyPassword(password, account.password)).toBe(true);
  });

  it('refuses an unknown role and a gateway name that is not a gateway id', async () => {
    const users = join(dir, 'users.yaml');
    await expect(tidegate('broker', 'user', 'add', 'x', '--role', 'root', '--users', users)).rejects.toMatchObject({
      stderr: expect.stringContaining('--role root is not one of gateway, ingestor, operator, admin'),
    });
    await expect(
      tidegate('broker', 'user', 'add', 'gw/1', '--role', 'gateway', '--users', users),
    ).rejects.toMatchObject({
      stderr: expect.stringContaining('may hold only'),
    });
  });
});

describe('tidegate influx setup', () => {
  it('creates the database named by an ingest config', async () => {
    const config = join(dir, 'ingest.yaml');
    writeFileSync(config, `influx: { url: "${influx().url}", database: cli_setup }\n`);
    await tidegate('influx', 'setup', '--config', config);
    await tidegate('influx', 'setup', '--config', config); // idempotent
    const rows = await influx().rows('SHOW DATABASES');
    expect(rows.map((r) => r.name)).toContain('cli_setup');
  });

  it('names the file, line and key of a config error', async () => {
    const config = join(dir, 'bad.yaml');
    writeFileSync(config, 'influx:\n  url: "http://127.0.0.1:1"\n  databse: x\n');
    await expect(tidegate('influx', 'setup', '--config', config)).rejects.toMatchObject({
      stderr: expect.stringContaining(`${config}:3: influx.databse: Unrecognized key: "databse"`),
    });
  });
});
