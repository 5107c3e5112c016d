import type { Reading } from '../../wire/reading.js';
import type { PrivacyStage } from './stage.js';

export type { PrivacyStage } from './stage.js';

/**
 * The minimal privacy stage: every tag or field a driver marks as an identifier is removed, so no
 * identifier can leave the gateway. (Keyed pseudonyms and consent granularity replace this.)
 */
export function createPrivacyStage(): PrivacyStage {
  return {
    process: (_deviceId, reading) => [withoutIdentifiers(reading)],
    tick: () => [],
    close() {},
  };
}

export function withoutIdentifiers(reading: Reading): Reading {
  const { identifiers, ...rest } = reading;
  if (!identifiers?.length) return rest;
  const tags = { ...rest.tags };
  const fields = { ...rest.fields };
  for (const name of identifiers) {
    delete tags[name];
    delete fields[name];
  }
  return { ...rest, tags, fields };
}
