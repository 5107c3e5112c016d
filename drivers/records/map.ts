import { identifiersOf } from '../../wire/catalogue/index.js';
import type { FieldValue, Reading } from '../../wire/reading.js';
import type { Mapping } from './schema.js';
import { parseTime } from './time.js';
import { conversionFactor } from './units.js';

export type MapOutcome =
  | { kind: 'reading'; reading: Reading }
  | { kind: 'skipped' }
  | { kind: 'rejected'; reason: 'bad_record' | 'missing' | 'bad_number' | 'bad_value' | 'bad_time'; detail: string };

type Rejected = Extract<MapOutcome, { kind: 'rejected' }>;

export interface MapperOptions {
  /** CSV numbers written with a decimal comma ("12,5"). */
  decimalComma?: boolean;
}

/**
 * Maps one record to one reading, or says why not. Deterministic: the same record always gives the
 * same reading (series and timestamp), so re-reading a file or a page overwrites, never duplicates.
 */
export function createMapper(mapping: Mapping, options: MapperOptions = {}): (record: unknown) => MapOutcome {
  const fields = Object.entries(mapping.fields).map(([name, spec]) => {
    const s = typeof spec === 'string' ? { from: spec, type: 'float' as const, optional: false } : spec;
    const conversion = s.unit ? conversionFactor(s.unit, name) : { factor: 1 };
    return { name, ...s, factor: 'factor' in conversion ? conversion.factor : 1 };
  });
  const tags = Object.entries(mapping.tags).map(([name, spec]) =>
    typeof spec === 'string' ? { name, from: spec } : { name, ...spec },
  );
  // The partner's choice, and what the catalogue says identifies a person, a home or a company.
  const named = new Set([...Object.keys(mapping.tags), ...Object.keys(mapping.fields)]);
  const all = [
    ...new Set([...mapping.pseudonymise, ...identifiersOf(mapping.measurement).filter((n) => named.has(n))]),
  ];
  const identifiers = all.length ? all : undefined;

  return (record) => {
    if (record === null || typeof record !== 'object' || Array.isArray(record))
      return reject('bad_record', `not an object: ${JSON.stringify(record)?.slice(0, 60)}`);
    if (mapping.where && !matches(record, mapping.where)) return { kind: 'skipped' };
    const readingTags: Record<string, string> = {};
    for (const tag of tags) {
      const value = 'value' in tag ? tag.value : valueAt(record, tag.from);
      if (value === undefined || value === null || String(value).trim() === '')
        return reject('missing', `tag ${tag.name}: no value in "${'from' in tag ? tag.from : ''}"`);
      readingTags[tag.name] = String(value).trim();
    }
    const readingFields: Record<string, FieldValue> = {};
    for (const field of fields) {
      if (field.when && !matches(record, field.when)) continue;
      const raw = valueAt(record, field.from);
      if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) {
        if (field.optional) continue;
        return reject('missing', `field ${field.name}: no value in "${field.from}"`);
      }
      const value = convert(raw, field, options.decimalComma ?? false);
      if (typeof value === 'object' && 'reason' in value) return value;
      readingFields[field.name] = value;
    }
    if (Object.keys(readingFields).length === 0) return { kind: 'skipped' };
    const time = parseTime(valueAt(record, mapping.time.from), mapping.time);
    if ('problem' in time) return reject('bad_time', `${mapping.time.from}: ${time.problem}`);
    const reading: Reading = {
      measurement: mapping.measurement,
      tags: readingTags,
      fields: readingFields,
      time: time.ns,
    };
    if (identifiers) reading.identifiers = identifiers;
    return { kind: 'reading', reading };
  };
}

function reject(reason: Rejected['reason'], detail: string): Rejected {
  return { kind: 'rejected', reason, detail };
}

/** A key of the record; `a.b` reaches into nested objects when no key is literally named so. */
export function valueAt(record: object, path: string): unknown {
  if (Object.hasOwn(record, path)) return (record as Record<string, unknown>)[path];
  let value: unknown = record;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function matches(record: object, condition: Record<string, string | string[]>): boolean {
  return Object.entries(condition).every(([key, wanted]) => {
    const value = valueAt(record, key);
    const text = value === undefined || value === null ? '' : String(value).trim();
    return Array.isArray(wanted) ? wanted.includes(text) : wanted === text;
  });
}

interface FieldRule {
  name: string;
  from: string;
  type: 'float' | 'integer' | 'string' | 'boolean';
  factor: number;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const TRUE = new Set(['true', '1', 'yes', 'oui', 'y']);
const FALSE = new Set(['false', '0', 'no', 'non', 'n']);

/** One value to its field type, converted to the field name's unit. */
export function convert(raw: unknown, field: FieldRule, decimalComma: boolean): FieldValue | Rejected {
  const text = typeof raw === 'string' ? raw.trim() : raw;
  if (field.type === 'string') return String(text);
  if (field.type === 'boolean') {
    if (typeof text === 'boolean') return text;
    const lower = String(text).toLowerCase();
    if (TRUE.has(lower)) return true;
    if (FALSE.has(lower)) return false;
    return reject('bad_value', `field ${field.name}: "${String(text)}" is not a boolean`);
  }
  let n: number;
  if (typeof text === 'number') n = text;
  else {
    const s = decimalComma && typeof text === 'string' ? text.replace(/[\s\u00a0\u202f]/g, '').replace(',', '.') : text;
    if (typeof s !== 'string' || !NUMBER.test(s))
      return reject('bad_number', `field ${field.name}: "${String(text)}" is not a number`);
    n = Number(s);
  }
  if (!Number.isFinite(n)) return reject('bad_number', `field ${field.name}: ${String(text)} is not finite`);
  // Round away binary noise (0.1 t → 100.00000000000001 kg) so that a re-read gives the same value.
  const value = field.factor === 1 ? n : Number((n * field.factor).toPrecision(15));
  if (field.type === 'float') return value;
  if (!Number.isInteger(value) || !Number.isSafeInteger(value))
    return reject('bad_number', `field ${field.name}: ${String(text)} is not an integer`);
  return BigInt(value);
}
