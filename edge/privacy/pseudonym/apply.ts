import { identifiersOf } from '../../../wire/catalogue/index.js';
import type { Reading } from '../../../wire/reading.js';
import { pseudonym } from './hmac.js';

export interface PseudonymResult {
  reading: Reading;
  /** Identifier values replaced by their pseudonym. */
  replaced: number;
  /** Identifier values dropped because there is no key. */
  withheld: number;
}

/**
 * Replaces every tag and field named in `reading.identifiers`, or marked as an identifier of its
 * measurement in the catalogue (wire/catalogue: `meter`, `serial`, `prm`), by its keyed pseudonym (as a
 * string), then drops the list: a driver that forgets to name its identifiers still leaks none. Without a key the identifiers are removed instead: a gateway without the key
 * keeps publishing its measurements but never an identifier.
 */
export function pseudonymize(reading: Reading, key: Uint8Array | undefined): PseudonymResult {
  const { identifiers, ...rest } = reading;
  const names = new Set([...(identifiers ?? []), ...identifiersOf(rest.measurement)]);
  if (names.size === 0) return { reading: rest, replaced: 0, withheld: 0 };
  const tags = { ...rest.tags };
  const fields = { ...rest.fields };
  let replaced = 0;
  let withheld = 0;
  for (const name of names) {
    for (const values of [tags, fields] as Record<string, unknown>[]) {
      if (!Object.hasOwn(values, name)) continue;
      if (key) {
        values[name] = pseudonym(key, String(values[name]));
        replaced++;
      } else {
        delete values[name];
        withheld++;
      }
    }
  }
  return { reading: { ...rest, tags, fields: fields as Reading['fields'] }, replaced, withheld };
}
