import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../tests/harness/index.js';
import { KEY_BYTES, loadOrCreateKey } from './key-file.js';

describe('loadOrCreateKey', () => {
  it('creates a missing key with 32 random bytes and mode 0600, then reads the same key back', () => {
    const file = join(tempDir('tidegate-key-'), 'etc', 'pseudonym.key');
    const first = loadOrCreateKey(file);
    expect(first.ok && first.created).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file).length).toBe(KEY_BYTES);
    const second = loadOrCreateKey(file);
    expect(second.ok && !second.created && second.key.equals(readFileSync(file))).toBe(true);
  });

  it('refuses a missing key when creation is not allowed, naming the file', () => {
    const file = join(tempDir('tidegate-key-'), 'missing.key');
    const result = loadOrCreateKey(file, { create: false });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problem).toContain(file);
  });

  it('refuses a key too short to be secret', () => {
    const file = join(tempDir('tidegate-key-'), 'short.key');
    writeFileSync(file, 'short', { mode: 0o600 });
    const result = loadOrCreateKey(file);
    expect(!result.ok && result.problem).toMatch(/5 bytes, at least 16/);
  });

  it('warns when other users may read the key', () => {
    const file = join(tempDir('tidegate-key-'), 'loose.key');
    writeFileSync(file, 'test-key-do-not-use');
    chmodSync(file, 0o644);
    const result = loadOrCreateKey(file);
    expect(result.ok && result.warning).toMatch(/chmod 600/);
  });

  it('reports, without throwing, a key it cannot create', () => {
    const dir = tempDir('tidegate-key-');
    mkdirSync(join(dir, 'ro'), { mode: 0o500 });
    const result = loadOrCreateKey(join(dir, 'ro', 'sub', 'pseudonym.key'));
    // Root ignores directory permissions; then the key is simply created.
    if (process.getuid?.() !== 0) expect(result.ok).toBe(false);
    else expect(result.ok).toBe(true);
  });
});
