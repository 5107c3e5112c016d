import { randomBytes } from 'node:crypto';
import type { Reading } from '../../wire/reading.js';
import { loadOrCreateKey, pseudonymize } from '../privacy/index.js';

/**
 * `tidegate decode --pseudonymise`: identifiers as the gateway would publish them. With the gateway's
 * key file the pseudonyms are the published ones; without, a random key for this run (consistent within
 * the run, matching nothing published).
 */
export async function pseudonymiser(keyFile?: string): Promise<(reading: Reading) => Reading> {
  let key: Uint8Array;
  if (keyFile) {
    const loaded = loadOrCreateKey(keyFile, { create: false });
    if (!loaded.ok) throw new Error(loaded.problem);
    key = loaded.key;
  } else {
    key = randomBytes(32);
    process.stderr.write('pseudonyms with a key for this run only (--key-file FILE for the gateway’s)\n');
  }
  return (reading) => pseudonymize(reading, key).reading;
}
