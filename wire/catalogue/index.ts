import { AIR_QUALITY } from './air-quality.js';
import { CARBON } from './carbon.js';
import { ELECTRICITY } from './electricity.js';
import { MATERIAL_FLOW, OCCUPANCY, PARTNER_METRIC } from './partners.js';
import { TRAFFIC } from './traffic.js';
import { DEFAULT_ROLLUP, type FieldSpec, type MeasurementSpec, type RollupFunction, type TagSpec } from './types.js';

export * from './types.js';

/**
 * The measurement catalogue: every measurement tidegate writes, its fields (unit, type, kind), its
 * tags, and the fields a card shows first. Rollups (broker/schema), privacy, the ingestor, the
 * dashboard and docs/data.md all read it; a driver declares which of these it emits.
 */
export const MEASUREMENTS: readonly MeasurementSpec[] = [
  AIR_QUALITY,
  ELECTRICITY,
  TRAFFIC,
  MATERIAL_FLOW,
  OCCUPANCY,
  PARTNER_METRIC,
  CARBON,
];

/**
 * The measurement a self-data consent (daily, half-hourly) aggregates: energy from its cumulative Wh
 * indexes (kind `counter`, unit Wh). Other measurements of a self-data device leave only under `raw`.
 */
export const SELF_DATA_MEASUREMENT = ELECTRICITY.name;

/** Tags every point has: `gateway` and `device` set by the ingestor from the topic, `site` by the gateway. */
export const COMMON_TAGS: readonly TagSpec[] = [
  { name: 'gateway', description: 'the gateway id (from the MQTT topic, never from the payload)' },
  { name: 'device', description: 'the device id in the gateway config (from the MQTT topic)' },
  { name: 'site', description: "the gateway's site (`gateway.site` in its config)" },
];

const BY_NAME = new Map(MEASUREMENTS.map((m) => [m.name, m]));
const PATTERNS = new Map(
  MEASUREMENTS.map((m) => [
    m.name,
    m.fields.filter((f) => f.pattern).map((f) => [new RegExp(`^(?:${f.pattern})$`), f] as const),
  ]),
);

export function measurementSpec(measurement: string): MeasurementSpec | undefined {
  return BY_NAME.get(measurement);
}

/** The catalogue entry of a field: its exact entry, else the family (`energy_<tariff>_wh`) it belongs to. */
export function fieldSpec(measurement: string, field: string): FieldSpec | undefined {
  const spec = BY_NAME.get(measurement);
  if (!spec) return undefined;
  const exact = spec.fields.find((f) => !f.pattern && f.name === field);
  if (exact) return exact;
  return PATTERNS.get(measurement)?.find(([re]) => re.test(field))?.[1];
}

/** A measurement's own tags and the common ones. */
export function tagsOf(measurement: string): readonly TagSpec[] {
  return [...COMMON_TAGS, ...(BY_NAME.get(measurement)?.tags ?? [])];
}

/** The unit of a catalogued field as shown to people (`µg/m³`), '' for a pure number, undefined when unknown. */
export function unitOfField(measurement: string, field: string): string | undefined {
  return fieldSpec(measurement, field)?.unit;
}

/** The fields a card shows first, in order. */
export function keyFieldsOf(measurement: string): readonly string[] {
  return BY_NAME.get(measurement)?.keyFields ?? [];
}

/** Names of tags and fields of a measurement whose values identify a person, a home or a company. */
export function identifiersOf(measurement: string): readonly string[] {
  const spec = BY_NAME.get(measurement);
  if (!spec) return [];
  return [...spec.tags.filter((t) => t.identifier), ...spec.fields.filter((f) => f.identifier && !f.pattern)].map(
    (x) => x.name,
  );
}

export function rollupFunctionsOf(field: FieldSpec): readonly RollupFunction[] {
  return field.rollup ?? DEFAULT_ROLLUP[field.kind];
}

/** Is the field a cumulative index (only grows between resets)? */
export function isCounter(measurement: string, field: string): boolean {
  return fieldSpec(measurement, field)?.kind === 'counter';
}

/** Why a field does not belong to a measurement, or undefined when the catalogue knows it with that type. */
export function fieldProblem(measurement: string, field: string, type?: FieldSpec['type']): string | undefined {
  if (!BY_NAME.has(measurement)) return `measurement "${measurement}" is not in the catalogue (wire/catalogue)`;
  const spec = fieldSpec(measurement, field);
  if (!spec) return `field "${field}" of ${measurement} is not in the catalogue (wire/catalogue)`;
  if (type && spec.type !== type)
    return `field "${field}" of ${measurement} is ${spec.type} in the catalogue, not ${type}`;
  return undefined;
}
