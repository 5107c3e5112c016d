import { unitOf } from './units.js';

/**
 * What the dashboard needs to know of a measurement's fields: the unit people read, and the few key
 * fields a card shows first with a chart each. The shape is that of wire/catalogue (`unitOfField`,
 * `keyFieldsOf`); until the catalogue is there this answers from the field-name suffix and a short list.
 */
const KEY_FIELDS: Record<string, readonly string[]> = {
  electricity: ['active_power_w', 'energy_import_wh', 'voltage_v', 'voltage_l1_v'],
  air_quality: ['pm2_5_ugm3', 'pm10_ugm3', 'co2_ppm'],
  traffic: ['flow_veh_h', 'mean_speed_kmh', 'count'],
};

export function unitOfField(_measurement: string, field: string): string | undefined {
  return unitOf(field) || undefined;
}

export function keyFieldsOf(measurement: string): readonly string[] {
  return KEY_FIELDS[measurement] ?? [];
}

/** The unit of a field as shown: the catalogue's, else the one its name ends with. */
export function displayUnit(measurement: string | undefined, field: string): string {
  return (measurement ? unitOfField(measurement, field) : undefined) ?? unitOf(field);
}
