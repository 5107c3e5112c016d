import { MEASUREMENTS } from '../../wire/catalogue/index.js';
import type { Emission } from '../driver.js';
import type { Mapping } from './schema.js';

/**
 * What a partner-data device emits (the driver contract's `emits`): its mapping's measurement and
 * fields; without a device, every field of the partner measurements of the catalogue.
 */
export function mappingEmissions(mapping?: Mapping): Emission[] {
  if (mapping) return [{ measurement: mapping.measurement, fields: Object.keys(mapping.fields) }];
  return MEASUREMENTS.filter((m) => m.writtenBy === 'partners').map((m) => ({
    measurement: m.name,
    fields: m.fields.filter((f) => !f.pattern).map((f) => f.name),
  }));
}
