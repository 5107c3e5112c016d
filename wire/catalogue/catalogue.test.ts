import { describe, expect, it } from 'vitest';
import {
  fieldProblem,
  fieldSpec,
  identifiersOf,
  keyFieldsOf,
  MEASUREMENTS,
  measurementSpec,
  tagsOf,
  unitOfField,
} from './index.js';

/** The naming rule `<quantity>[_<phase>]_<unit>`: the suffix a unit is written with. */
const SUFFIX_OF_UNIT: Record<string, string> = {
  'µg/m³': '_ugm3',
  ppm: '_ppm',
  '°C': '_c',
  '%': '_pct',
  W: '_w',
  VA: '_va',
  var: '_var',
  V: '_v',
  A: '_a',
  Hz: '_hz',
  Wh: '_wh',
  kWh: '_kwh',
  'km/h': '_kmh',
  'veh/h': '_veh_h',
  m: '_m',
  s: '_s',
  kg: '_kg',
  km: '_km',
  kgCO2e: '_kg',
  'gCO2e/kWh': '_kwh',
  'kgCO2e/veh·km': '_vkm',
};

describe('the measurement catalogue', () => {
  it('names each measurement and field once, with a unit suffix matching the unit', () => {
    expect(new Set(MEASUREMENTS.map((m) => m.name)).size).toBe(MEASUREMENTS.length);
    for (const m of MEASUREMENTS) {
      expect(new Set(m.fields.map((f) => f.name)).size, m.name).toBe(m.fields.length);
      for (const f of m.fields) {
        expect(f.name, `${m.name}.${f.name}`).toMatch(/^[a-z][a-z0-9_<>]*$/);
        if (f.unit)
          expect(f.name.endsWith(SUFFIX_OF_UNIT[f.unit] ?? '?'), `${m.name}.${f.name} in ${f.unit}`).toBe(true);
        if (f.pattern) expect(() => new RegExp(f.pattern!)).not.toThrow();
        expect(f.name.includes('<'), `${m.name}.${f.name}: a family needs a pattern`).toBe(f.pattern !== undefined);
      }
      for (const key of m.keyFields) expect(fieldSpec(m.name, key), `${m.name} key field ${key}`).toBeDefined();
    }
  });

  it('finds fields by exact name or by family, and says why one does not belong', () => {
    expect(fieldSpec('electricity', 'energy_import_wh')?.description).toMatch(/drawn from the grid/);
    expect(fieldSpec('electricity', 'energy_bbrhcjb_wh')?.name).toBe('energy_<tariff>_wh');
    expect(fieldSpec('electricity', 'voltage_l2_v')?.kind).toBe('gauge');
    expect(fieldSpec('electricity', 'voltage_l4_v')).toBeUndefined();
    expect(unitOfField('air_quality', 'pm1_ugm3')).toBe('µg/m³');
    expect(unitOfField('traffic', 'mean_length_m')).toBe('m');
    expect(fieldProblem('traffic', 'count', 'integer')).toBeUndefined();
    expect(fieldProblem('traffic', 'count', 'float')).toMatch(/integer in the catalogue/);
    expect(fieldProblem('weather', 'x')).toMatch(/measurement "weather"/);
  });

  it('has the partner measurements, key fields and identifiers the rest of the platform reads', () => {
    expect(tagsOf('material_flow').map((t) => t.name)).toEqual([
      'gateway',
      'device',
      'site',
      'stream',
      'material',
      'partner',
      'direction',
    ]);
    expect(fieldSpec('material_flow', 'mass_kg')?.kind).toBe('amount');
    expect(keyFieldsOf('occupancy')).toEqual(['nights', 'beds_occupied']);
    expect(measurementSpec('partner_metric')?.fields.map((f) => f.name)).toEqual(['value']);
    expect(identifiersOf('electricity')).toEqual(['meter', 'prm']);
    expect(identifiersOf('air_quality')).toEqual(['serial']);
  });
});
