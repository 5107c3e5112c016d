import { describe, expect, it } from 'vitest';
import { formatTime, parseTime } from './time.js';

describe('export times', () => {
  it('reads dates, RFC 3339, nanoseconds and now-relative times', () => {
    expect(parseTime('2026-01-31', '--from')).toBe(1_769_817_600_000_000_000n);
    expect(parseTime('2026-01-31T01:00:00+01:00', '--from')).toBe(1_769_817_600_000_000_000n);
    expect(parseTime('2026-01-31T00:00:00.000000123Z', '--from')).toBe(1_769_817_600_000_000_123n);
    expect(parseTime('1769817600000000000', '--to')).toBe(1_769_817_600_000_000_000n);
    expect(parseTime('now-1h', '--from', 7_200_000)).toBe(3_600_000_000_000n);
    expect(() => parseTime('yesterday', '--from')).toThrow('--from: "yesterday" is not a time');
  });

  it('prints RFC 3339 UTC with the shortest exact fraction', () => {
    expect(formatTime(1_769_817_600_000_000_000n)).toBe('2026-01-31T00:00:00Z');
    expect(formatTime(1_769_817_600_500_000_000n)).toBe('2026-01-31T00:00:00.5Z');
    expect(formatTime(1_769_817_600_000_000_123n)).toBe('2026-01-31T00:00:00.000000123Z');
    expect(formatTime(-1n)).toBe('1969-12-31T23:59:59.999999999Z');
  });
});
