import { describe, expect, it } from 'vitest';
import { ns } from '../test-support.js';
import { localClock } from './local-time.js';
import { periodOf } from './periods.js';

const paris = localClock('Europe/Paris');
const HOUR = 3_600_000_000_000n;

describe('local days in Europe/Paris', () => {
  it('start at local midnight, winter and summer', () => {
    expect(paris.dayStart(ns('2026-01-15T12:00:00Z'))).toBe(ns('2026-01-14T23:00:00Z'));
    expect(paris.dayStart(ns('2026-07-15T21:59:59Z'))).toBe(ns('2026-07-14T22:00:00Z'));
    expect(paris.dayStart(ns('2026-07-15T22:00:00Z'))).toBe(ns('2026-07-15T22:00:00Z'));
    expect(paris.date(ns('2026-07-15T22:00:00Z'))).toBe('2026-07-16');
  });

  it('last 23 hours on the spring change and 25 on the autumn change', () => {
    const spring = ns('2026-03-29T10:00:00Z');
    expect(paris.nextDayStart(spring) - paris.dayStart(spring)).toBe(23n * HOUR);
    const autumn = ns('2026-10-25T10:00:00Z');
    expect(paris.nextDayStart(autumn) - paris.dayStart(autumn)).toBe(25n * HOUR);
    const plain = ns('2026-06-01T10:00:00Z');
    expect(paris.nextDayStart(plain) - paris.dayStart(plain)).toBe(24n * HOUR);
  });

  it('handles a zone whose midnight is skipped by DST (America/Sao_Paulo 2018-11-04)', () => {
    const saoPaulo = localClock('America/Sao_Paulo');
    // Clocks went from 00:00 to 01:00 local (03:00 UTC): the day starts at 01:00 local.
    expect(saoPaulo.dayStart(ns('2018-11-04T12:00:00Z'))).toBe(ns('2018-11-04T03:00:00Z'));
  });

  it('refuses an unknown zone', () => {
    expect(() => localClock('Europe/Atlantis')).toThrow(RangeError);
  });
});

describe('periods', () => {
  it('half-hours follow the local clock and number 46, 48 and 50 on the three kinds of day', () => {
    for (const [day, count] of [
      ['2026-03-29T10:00:00Z', 46],
      ['2026-06-01T10:00:00Z', 48],
      ['2026-10-25T10:00:00Z', 50],
    ] as const) {
      const start = paris.dayStart(ns(day));
      const end = paris.nextDayStart(ns(day));
      let n = 0;
      for (let p = periodOf('half-hourly', start, paris); p.start < end; p = periodOf('half-hourly', p.end, paris)) n++;
      expect(n).toBe(count);
    }
  });

  it('a half-hour holds its instants, start included and end excluded', () => {
    const p = periodOf('half-hourly', ns('2026-06-01T10:29:59.999Z'), paris);
    expect(p).toEqual({ start: ns('2026-06-01T10:00:00Z'), end: ns('2026-06-01T10:30:00Z') });
    expect(periodOf('half-hourly', ns('2026-06-01T10:30:00Z'), paris).start).toBe(ns('2026-06-01T10:30:00Z'));
  });
});
