import { describe, expect, it } from 'vitest';
import { formatAge, formatField } from './format.js';

describe('format', () => {
  it('writes a value with the unit of its field name', () => {
    expect(formatField('pm2_5_ugm3', 12.34567)).toBe('12.346 µg/m³');
    expect(formatField('active_power_w', 1234.56)).toBe('1234.6 W');
    expect(formatField('count', 42n)).toBe('42');
    expect(formatField('ok', true)).toBe('true');
  });
  it('writes ages', () => {
    expect(formatAge(undefined, 0)).toBe('—');
    expect(formatAge(0, 4_000)).toBe('4 s ago');
    expect(formatAge(0, 180_000)).toBe('3 min ago');
  });
});
