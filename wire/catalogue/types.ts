/**
 * The shape of the measurement catalogue: what every measurement carries, so that rollups, privacy,
 * the ingestor, the dashboard and docs/data.md read one list instead of repeating field names.
 */

/** InfluxDB's field types: `float` (a JS number), `integer` (a bigint, `i` suffix), `string`, `boolean`. */
export type FieldType = 'float' | 'integer' | 'string' | 'boolean';

/**
 * How a field behaves over time, which decides its rollup:
 * - `gauge`: an instantaneous value (power, concentration, speed): mean, min, max;
 * - `counter`: a cumulative index that only grows between resets (energy indexes): last and max;
 * - `amount`: a quantity of its own period that adds up (vehicles of a period, energy of a day): sum;
 * - `text`: a string (an identifier pseudonym, a label): not rolled up.
 */
export type FieldKind = 'gauge' | 'counter' | 'amount' | 'text';

/** InfluxQL aggregate functions the rollups use. */
export type RollupFunction = 'mean' | 'min' | 'max' | 'last' | 'sum';

export interface FieldSpec {
  /** The name as documented; `<…>` marks a variable part (`voltage_l<n>_v`, `energy_<tariff>_wh`). */
  name: string;
  /** For a family of fields (a `<…>` in the name): the regex source of the whole name, without anchors. */
  pattern?: string;
  /** Unit as shown to people (`µg/m³`, `W`); '' for a pure number, a count or a string. */
  unit: string;
  type: FieldType;
  kind: FieldKind;
  /** One line for docs/data.md. */
  description: string;
  /** Rollup functions when they differ from the kind's default (DEFAULT_ROLLUP). */
  rollup?: readonly RollupFunction[];
  /** A value identifying a person, a home or a company: only ever published as a keyed pseudonym. */
  identifier?: boolean;
}

export interface TagSpec {
  name: string;
  description: string;
  /** A value identifying a person, a home or a company: only ever published as a keyed pseudonym. */
  identifier?: boolean;
}

export interface MeasurementSpec {
  name: string;
  description: string;
  /** Tags of this measurement beside the common ones (COMMON_TAGS). */
  tags: readonly TagSpec[];
  fields: readonly FieldSpec[];
  /** Fields a card (dashboard, probe summary) shows first, in this order. */
  keyFields: readonly string[];
  /** Where the rollups read it (`raw`; `hourly` for points written hourly) and which levels are made. */
  rollup: { source: 'raw' | 'hourly'; levels: readonly ('hourly' | 'daily')[] };
  /** Who writes it: `drivers` (gateways), `partners` (partner-data drivers) or `broker` (the carbon job). */
  writtenBy: 'drivers' | 'partners' | 'broker';
}

export const DEFAULT_ROLLUP: Record<FieldKind, readonly RollupFunction[]> = {
  gauge: ['mean', 'min', 'max'],
  counter: ['last', 'max'],
  amount: ['sum'],
  text: [],
};
