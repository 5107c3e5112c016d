import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PSEUDONYM_HEX_CHARS, pseudonym } from './hmac.js';

const KEY = Buffer.from('test-key-do-not-use');

describe('pseudonym', () => {
  it('is HMAC-SHA256 of the identifier, truncated to 16 hex characters (fixed vectors)', () => {
    // Obtained with: printf %s 031664001115 | openssl dgst -sha256 -hmac test-key-do-not-use
    // → 6c11e141ed61c13ce6c347bede3b5ea429aab5effe90a6487f1a66ef8c2806e5
    expect(pseudonym(KEY, '031664001115')).toBe('6c11e141ed61c13c');
    expect(PSEUDONYM_HEX_CHARS).toBe(16);
    expect(createHmac('sha256', KEY).update('031664001115').digest('hex')).toBe(
      '6c11e141ed61c13ce6c347bede3b5ea429aab5effe90a6487f1a66ef8c2806e5',
    );
  });

  it('agrees with openssl dgst -hmac', () => {
    for (const identifier of ['031664001115', '09876543210987', '021861348497']) {
      const out = execFileSync('openssl', ['dgst', '-sha256', '-hmac', 'test-key-do-not-use'], { input: identifier });
      const hex = /([0-9a-f]{64})\s*$/.exec(out.toString())?.[1];
      expect(hex?.slice(0, 16)).toBe(pseudonym(KEY, identifier));
    }
  });

  it('depends on the key', () => {
    expect(pseudonym(Buffer.from('another-key-0123456'), '031664001115')).not.toBe(pseudonym(KEY, '031664001115'));
  });
});
