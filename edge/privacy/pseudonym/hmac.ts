import { createRequire } from 'node:module';

/**
 * node:crypto is loaded on the first pseudonym, not at start-up: a gateway without a key never needs it,
 * and it costs ~0.8 MiB of resident memory (docs/edge.md, "Memory").
 */
let loadedCrypto: typeof import('node:crypto') | undefined;
export const lazyCrypto = (): typeof import('node:crypto') =>
  (loadedCrypto ??= createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto'));

/** Hex characters kept from the HMAC-SHA256: 16 hex = 64 bits, so collisions stay negligible below ~10⁸ meters. */
export const PSEUDONYM_HEX_CHARS = 16;

/**
 * The keyed pseudonym of one identifier: HMAC-SHA256(key, UTF-8 of the value), lower-case hex,
 * truncated to PSEUDONYM_HEX_CHARS. Without the key, a meter number's 10¹²–10¹⁴ possible values
 * cannot be enumerated back from it (a plain hash could).
 */
export function pseudonym(key: Uint8Array, identifier: string): string {
  return lazyCrypto().createHmac('sha256', key).update(identifier, 'utf8').digest('hex').slice(0, PSEUDONYM_HEX_CHARS);
}
