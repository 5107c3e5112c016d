import { describe, expect, it } from 'vitest';
import type { Reading } from '../../../wire/reading.js';
import { pseudonymize } from './apply.js';

const KEY = Buffer.from('test-key-do-not-use');
const reading: Reading = {
  measurement: 'electricity',
  tags: { meter: '031664001115', site: 'home' },
  fields: { prm: '09876543210987', apparent_power_va: 1200n },
  time: 1n,
  identifiers: ['meter', 'prm'],
};

describe('pseudonymize', () => {
  it('replaces every named tag and field by its pseudonym and drops the list', () => {
    const { reading: out, replaced, withheld } = pseudonymize(reading, KEY);
    expect(out).toEqual({
      measurement: 'electricity',
      tags: { meter: '6c11e141ed61c13c', site: 'home' },
      fields: { prm: expect.stringMatching(/^[0-9a-f]{16}$/), apparent_power_va: 1200n },
      time: 1n,
    });
    expect([replaced, withheld]).toEqual([2, 0]);
    expect(reading.tags.meter).toBe('031664001115');
  });

  it('without a key, withholds the identifiers and keeps the measurements', () => {
    const { reading: out, replaced, withheld } = pseudonymize(reading, undefined);
    expect(out.tags).toEqual({ site: 'home' });
    expect(out.fields).toEqual({ apparent_power_va: 1200n });
    expect(out).not.toHaveProperty('identifiers');
    expect([replaced, withheld]).toEqual([0, 2]);
  });

  it('passes readings without identifiers untouched', () => {
    const plain: Reading = { measurement: 'air_quality', tags: {}, fields: { pm10_ugm3: 3 }, time: 2n };
    expect(pseudonymize(plain, KEY).reading).toEqual(plain);
  });
});
