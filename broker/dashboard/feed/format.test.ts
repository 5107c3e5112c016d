import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeLines } from '../../../wire/index.js';
import { formatAge, formatDuration, formatField, formatNumber, formatQuantity, scaleFor } from './format.js';

/** The first reading of a driver's test vector (line protocol written from the manufacturer's frames). */
function vector(path: string) {
  const text = readFileSync(new URL(`../../../drivers/${path}`, import.meta.url), 'utf8');
  const reading = decodeLines(text).readings[0];
  if (!reading) throw new Error(`${path}: no reading`);
  return reading.fields;
}

describe('format', () => {
  it('writes a value with the unit of its field name, digits grouped, never an exponent', () => {
    expect(formatField('pm2_5_ugm3', 12.34567)).toBe('12.35 µg/m³');
    expect(formatField('active_power_w', 1234.56)).toBe('1,235 W');
    expect(formatField('energy_import_wh', 13_480_000)).toBe('13,480 kWh');
    expect(formatField('energy_import_wh', 13_480_000_000)).toBe('13,480 MWh');
    expect(formatField('mean_length_m', 4.62)).toBe('4.62 m');
    expect(formatField('count', 42n)).toBe('42');
    expect(formatField('ok', true)).toBe('true');
    expect(formatNumber(0.000012)).toBe('0.000012');
    expect(formatNumber(-2_500_000)).toBe('-2,500,000');
    expect(formatQuantity(99_999, 'W')).toBe('99,999 W');
  });

  it('reads a Linky historique BASE index (teleinfo test vector historique-base.hex, a BASE frame as Enedis-NOI-CPT_02E describes it)', () => {
    const f = vector('teleinfo/testdata/historique-base.lp');
    expect(formatField('energy_import_wh', f.energy_import_wh!)).toBe('13,444 kWh');
    expect(formatField('apparent_power_va', f.apparent_power_va!)).toBe('5,400 VA');
    expect(formatField('current_a', f.current_a!)).toBe('24 A');
  });

  it('reads an Eastron SDM630 (modbus test case sdm630: input registers 0x0000-0x004B as the meter answers them)', () => {
    const f = vector('modbus/testdata/cases/sdm630/expected.lp');
    expect(formatField('energy_import_wh', f.energy_import_wh!)).toBe('12,346 kWh');
    expect(formatField('energy_export_wh', f.energy_export_wh!)).toBe('87,125 Wh');
    expect(formatField('active_power_w', f.active_power_w!)).toBe('1,962 W');
    expect(formatField('voltage_l1_v', f.voltage_l1_v!)).toBe('230.1 V');
    expect(formatField('current_l3_a', f.current_l3_a!)).toBe('0.42 A');
    expect(formatField('power_factor', f.power_factor!)).toBe('0.973');
    expect(formatField('frequency_hz', f.frequency_hz!)).toBe('49.98 Hz');
  });

  it('picks one scale for a chart axis from its largest value', () => {
    expect(scaleFor('Wh', 13_480_000)).toEqual({ factor: 1000, unit: 'kWh' });
    expect(scaleFor('Wh', 999_999)).toEqual({ factor: 1, unit: 'Wh' });
    expect(scaleFor('V', 1e9)).toEqual({ factor: 1, unit: 'V' });
  });

  it('writes ages and durations', () => {
    expect(formatAge(undefined, 0)).toBe('—');
    expect(formatAge(0, 4_000)).toBe('4 s ago');
    expect(formatAge(0, 180_000)).toBe('3 min ago');
    expect(formatDuration(45_000)).toBe('45 s');
    expect(formatDuration(3 * 3_600_000 + 20 * 60_000)).toBe('3 h 20 min');
    expect(formatDuration(52 * 3_600_000)).toBe('2 d 4 h');
  });
});
