import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { lazyCrypto } from './hmac.js';

export const KEY_BYTES = 32;
/** A shorter key file is refused: it would make pseudonyms guessable. */
export const MIN_KEY_BYTES = 16;

export type KeyLoad = { ok: true; key: Buffer; created: boolean; warning?: string } | { ok: false; problem: string };

/**
 * Reads the deployment's pseudonym key (the file's raw bytes), creating it with 32 random bytes and
 * mode 0600 when it is missing and `create` allows. Never throws: a gateway without a usable key
 * keeps running and withholds identifiers instead.
 */
export function loadOrCreateKey(keyFile: string, options: { create?: boolean } = {}): KeyLoad {
  const create = options.create ?? true;
  try {
    return readKey(keyFile, false);
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') return { ok: false, problem: `${keyFile}: ${describe(error)}` };
    if (!create) return { ok: false, problem: `${keyFile}: no such file, and creating the key is not allowed` };
  }
  try {
    mkdirSync(dirname(keyFile), { recursive: true, mode: 0o700 });
    // 'wx' fails if another process created it meanwhile: then its key is the one to use.
    const fd = openSync(keyFile, 'wx', 0o600);
    try {
      writeSync(fd, lazyCrypto().randomBytes(KEY_BYTES));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    return readKey(keyFile, true);
  } catch (error) {
    if (errorCode(error) === 'EEXIST') {
      try {
        return readKey(keyFile, false);
      } catch (again) {
        return { ok: false, problem: `${keyFile}: ${describe(again)}` };
      }
    }
    return { ok: false, problem: `${keyFile}: cannot create the key: ${describe(error)}` };
  }
}

function readKey(keyFile: string, created: boolean): KeyLoad {
  const key = readFileSync(keyFile);
  if (key.length < MIN_KEY_BYTES) {
    return { ok: false, problem: `${keyFile}: the key has ${key.length} bytes, at least ${MIN_KEY_BYTES} are needed` };
  }
  const mode = statSync(keyFile).mode & 0o777;
  const warning =
    mode & 0o077 ? `${keyFile}: mode ${mode.toString(8)} lets other users read the key; chmod 600 it` : undefined;
  return { ok: true, key, created, ...(warning ? { warning } : {}) };
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function describe(error: unknown): string {
  const code = errorCode(error);
  return code ? `${code} (${(error as Error).message})` : String(error);
}
