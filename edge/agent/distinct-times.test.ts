import { describe, expect, it } from 'vitest';
import { DistinctTimes } from './distinct-times.js';

describe('DistinctTimes', () => {
  it('moves a reading stamped in the same millisecond as the previous one 1 ns after it, per device', () => {
    const times = new DistinctTimes();
    expect(times.next('a', 5_000_000n)).toBe(5_000_000n);
    expect(times.next('a', 5_000_000n)).toBe(5_000_001n);
    expect(times.next('a', 5_000_000n)).toBe(5_000_002n);
    expect(times.next('b', 5_000_000n)).toBe(5_000_000n);
    expect(times.next('a', 6_000_000n)).toBe(6_000_000n);
  });

  it('leaves a clock stepped back by more than a millisecond alone', () => {
    const times = new DistinctTimes();
    times.next('a', 9_000_000n);
    expect(times.next('a', 3_000_000n)).toBe(3_000_000n);
  });
});
