import { describe, expect, it } from 'vitest';
import { unitOf } from './units.js';

describe('unitOf', () => {
  it.each([
    ['pm2_5_ugm3', 'µg/m³'],
    ['active_power_w', 'W'],
    ['voltage_l1_v', 'V'],
    ['energy_import_wh', 'Wh'],
    ['mean_speed_kmh', 'km/h'],
    ['flow_veh_h', 'veh/h'],
    ['occupancy_pct', '%'],
    ['temperature_c', '°C'],
    ['period_s', 's'],
    ['apparent_power_va', 'VA'],
    ['frequency_hz', 'Hz'],
    ['power_factor', ''],
    ['count', ''],
    ['_w', ''],
  ])('%s → %s', (field, unit) => {
    expect(unitOf(field)).toBe(unit);
  });
});
