import { createHmac, randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';
import { existsSync, renameSync, statSync, unwatchFile, watchFile, writeFileSync } from 'node:fs';
import * as z from 'zod';
import { idProblem } from '../../wire/index.js';
import { loadYaml } from './yaml-file.js';

/**
 * The broker's accounts, one YAML file:
 *
 *   users:
 *     gw-port-01: { role: gateway, password: "hmac-sha256$<salt>$<hash>" }
 *     night-ops:  { role: operator, password: "scrypt$16384$8$1$<salt>$<hash>" }
 *
 * Only hashes are stored; a gateway's user name is its gateway id. A password the broker generated
 * (144 random bits) is stored as a salted HMAC-SHA256: guessing it is as hopeless as guessing the key,
 * so a slow KDF adds nothing but login cost (about 56 ms of CPU per scrypt check here: a fleet of 500
 * reconnecting at once waited 18 s). A password a person chose (`--password-stdin`) gets scrypt.
 */
/** The user name of every client let in without one (ACL rules with `user: anonymous` target them all). */
export const ANONYMOUS = 'anonymous';

export const ROLES = ['gateway', 'ingestor', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

const B64 = '[A-Za-z0-9+/=]+';
const HASH_PATTERN = new RegExp(`^(scrypt\\$\\d+\\$\\d+\\$\\d+\\$${B64}\\$${B64}|hmac-sha256\\$${B64}\\$${B64})$`);

const UserSchema = z.strictObject({
  role: z.enum(ROLES),
  password: z.string().regex(HASH_PATTERN, 'must be a hash written by `tidegate broker user add`'),
});
const UsersFileSchema = z.strictObject({ users: z.record(z.string(), UserSchema).nullish() });

export interface Account {
  name: string;
  role: Role;
  /** scrypt$N$r$p$salt$hash or hmac-sha256$salt$hash */
  password: string;
}

const SCRYPT = { N: 16384, r: 8, p: 1, keyLength: 32 };

function scryptAsync(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, keyLength, { ...options, maxmem: 64 * 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, SCRYPT.keyLength, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p });
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** For generated secrets only (see the top of this file). */
export function hashGeneratedPassword(password: string): string {
  const salt = randomBytes(16);
  const digest = createHmac('sha256', salt).update(password, 'utf8').digest();
  return `hmac-sha256$${salt.toString('base64')}$${digest.toString('base64')}`;
}

export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  if (hash.startsWith('hmac-sha256$')) {
    const [, salt, key] = hash.split('$');
    const expected = Buffer.from(key ?? '', 'base64');
    const actual = createHmac('sha256', Buffer.from(salt ?? '', 'base64'))
      .update(password, 'utf8')
      .digest();
    return expected.length === actual.length && timingSafeEqual(actual, expected);
  }
  const [kind, n, r, p, salt, key] = hash.split('$');
  if (kind !== 'scrypt' || !n || !r || !p || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A random password that is easy to paste: 24 characters of base64url. */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

export function nameProblemFor(name: string, role: Role): string | undefined {
  if (name === ANONYMOUS) return `"${ANONYMOUS}" names every client of an anonymous listener: choose another name`;
  if (role === 'gateway') return idProblem(name, 'gateway user name (the gateway id)');
  if (!/^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/.test(name))
    return `user name "${name}" may hold only letters, digits, ".", "_", "@" and "-"`;
  return undefined;
}

/** Reads a users file; a missing file is an empty one. Errors name the file, line and key. */
export function readUsersFile(file: string): Map<string, Account> {
  const accounts = new Map<string, Account>();
  if (!existsSync(file)) return accounts;
  const parsed = loadYaml(file, UsersFileSchema);
  for (const [name, user] of Object.entries(parsed.users ?? {})) {
    const problem = nameProblemFor(name, user.role);
    if (problem) throw new Error(`${file}: users.${name}: ${problem}`);
    accounts.set(name, { name, ...user });
  }
  return accounts;
}

export function writeUsersFile(file: string, accounts: Map<string, Account>): void {
  const lines = [
    '# tidegate broker accounts (hashes only); edit with `tidegate broker user add|remove|passwd`',
    'users:',
  ];
  for (const a of [...accounts.values()].sort((x, y) => x.name.localeCompare(y.name)))
    lines.push(`  ${JSON.stringify(a.name)}: { role: ${a.role}, password: ${JSON.stringify(a.password)} }`);
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, `${lines.join('\n')}\n`, { mode: 0o600 });
  renameSync(tmp, file);
}

/**
 * Creates or replaces an account. Without a password one is generated; either way the clear password
 * is returned once and only its hash is written.
 */
export async function addUser(
  file: string,
  name: string,
  role: Role,
  password?: string,
): Promise<{ name: string; role: Role; password: string }> {
  if (!ROLES.includes(role)) throw new Error(`role "${role}" is not one of ${ROLES.join(', ')}`);
  const problem = nameProblemFor(name, role);
  if (problem) throw new Error(problem);
  const accounts = readUsersFile(file);
  const { clear, hash } = await newPassword(password);
  accounts.set(name, { name, role, password: hash });
  writeUsersFile(file, accounts);
  return { name, role, password: clear };
}

async function newPassword(password: string | undefined): Promise<{ clear: string; hash: string }> {
  if (password === undefined) {
    const clear = generatePassword();
    return { clear, hash: hashGeneratedPassword(clear) };
  }
  if (password.length < 8) throw new Error('a password needs at least 8 characters');
  return { clear: password, hash: await hashPassword(password) };
}

/** Removes an account; its live connections are closed once the broker re-reads the file. */
export function removeUser(file: string, name: string): void {
  const accounts = readUsersFile(file);
  if (!accounts.delete(name)) throw new Error(`${file}: no account named "${name}"`);
  writeUsersFile(file, accounts);
}

/** Gives an account a new password (generated unless given); its live connections are closed. */
export async function setPassword(file: string, name: string, password?: string): Promise<string> {
  const accounts = readUsersFile(file);
  const account = accounts.get(name);
  if (!account) throw new Error(`${file}: no account named "${name}"`);
  const { clear, hash } = await newPassword(password);
  accounts.set(name, { ...account, password: hash });
  writeUsersFile(file, accounts);
  return clear;
}

/** The users file, re-read when it changes on disk so `broker user add` needs no restart. */
export class UserDirectory {
  private accounts = new Map<string, Account>();
  private mtimeMs = -1;
  private readonly extra = new Map<string, Account>();

  constructor(readonly file: string | undefined) {
    this.refresh();
  }

  /** An account held in memory only (the in-process ingestor's). */
  addInMemory(account: Account): void {
    this.extra.set(account.name, account);
  }

  get(name: string): Account | undefined {
    this.refresh();
    return this.extra.get(name) ?? this.accounts.get(name);
  }

  /**
   * Calls `onChange` after each re-read of the file (checked every `intervalMs`, and at once on
   * `refresh()`), so revoked accounts can be disconnected. Returns a function that stops watching.
   */
  watch(onChange: () => void, intervalMs = 1000): () => void {
    this.listeners.push(onChange);
    const file = this.file;
    if (!file) return () => {};
    const poll = () => this.refresh();
    watchFile(file, { interval: intervalMs, persistent: false }, poll);
    return () => unwatchFile(file, poll);
  }

  private readonly listeners: (() => void)[] = [];

  /** Re-reads the file if it changed (also what SIGHUP does). */
  refresh(): void {
    if (!this.file) return;
    const mtimeMs = existsSync(this.file) ? statSync(this.file).mtimeMs : 0;
    if (mtimeMs === this.mtimeMs) return;
    try {
      this.accounts = readUsersFile(this.file);
      this.mtimeMs = mtimeMs;
    } catch (e) {
      // Keep the accounts we had rather than locking everyone out on a half-edited file.
      if (this.mtimeMs === -1) throw e;
      return;
    }
    for (const l of this.listeners) l();
  }
}
