import { describe, expect, it } from 'vitest';
import { closest, editDistance } from './suggest.js';

describe('did you mean', () => {
  it('counts a swap of neighbours as one edit, ignores case', () => {
    expect(editDistance('mdoe', 'mode')).toBe(1);
    expect(editDistance('evrey', 'every')).toBe(1);
    expect(editDistance('baudrate', 'baudRate')).toBe(0);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('suggests the closest known key, and nothing for a word far from all', () => {
    const keys = ['port', 'baudRate', 'parity', 'mode', 'every', 'username', 'selfData'];
    expect(closest('usernme', keys)).toBe('username');
    expect(closest('baud_rate', keys)).toBe('baudRate');
    expect(closest('evry', keys)).toBe('every');
    expect(closest('mdoe', keys)).toBe('mode');
    expect(closest('colour', keys)).toBeUndefined();
  });
});
