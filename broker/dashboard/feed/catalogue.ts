import { keyFieldsOf, unitOfField } from '../../../wire/index.js';
import { unitOf } from './units.js';

/**
 * What the dashboard needs of the measurement catalogue (wire/catalogue): the unit people read and the
 * few key fields a card shows first with a chart each. A field the catalogue does not know (a partner's
 * new field, a measurement from elsewhere) gets the unit its name ends with.
 */
export { keyFieldsOf };

/** The unit of a field as shown: the catalogue's, else the one its name ends with. */
export function displayUnit(measurement: string | undefined, field: string): string {
  return (measurement ? unitOfField(measurement, field) : undefined) ?? unitOf(field);
}
