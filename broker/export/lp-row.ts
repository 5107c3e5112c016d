import { MAX_STRING_FIELD_BYTES } from '../../wire/line-protocol/encode.js';
import {
  escapeKeyOrTagValue,
  escapeMeasurement,
  escapeStringField,
  nameProblem,
} from '../../wire/line-protocol/escape.js';
import type { ExportRow } from './formats.js';
import type { ExportPlan } from './plan.js';

const INTEGER = /^(?:0|-?[1-9]\d{0,17})$/; // at most 18 digits: inside int64 without a BigInt check
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * Line protocol of a raw row as `encodeLine` writes it (tags sorted by key, fields in the order an object
 * of them iterates), with the names escaped and checked once per export instead of once per row, and
 * InfluxDB's values written as they come. A row that `encodeLine` could refuse (a tag value it would check,
 * a value of another type than its field's, a string near the 64 KiB limit) goes to `slow`, which throws
 * what `encodeLine` throws.
 */
export function createLpRow(plan: ExportPlan, slow: (r: ExportRow) => string): (r: ExportRow) => string {
  const { tags, fields } = plan;
  const names = [nameProblem(plan.measurement, 'measurement')];
  for (const t of tags) names.push(nameProblem(t, 'tag key'));
  for (const f of fields) names.push(nameProblem(f.name, 'field key'));
  if (names.some((p) => p !== undefined)) return slow;
  const measurement = escapeMeasurement(plan.measurement);
  const tagOrder = tags.map((_, i) => i).sort((a, b) => (tags[a]! < tags[b]! ? -1 : tags[a]! > tags[b]! ? 1 : 0));
  const tagKeys = tags.map((t) => `,${escapeKeyOrTagValue(t)}=`);
  // An object iterates integer-like keys first: the order encodeLine writes the fields in.
  const fieldOrder = Object.values(Object.fromEntries(fields.map((f, i) => [f.name, i])));
  const fieldKeys = fields.map((f) => `${escapeKeyOrTagValue(f.name)}=`);

  return (r) => {
    let line = measurement;
    for (const i of tagOrder) {
      const t = r.tags[i];
      if (t === null || t === '' || t === undefined) continue;
      if (typeof t !== 'string' || nameProblem(t, 'tag value') !== undefined) return slow(r);
      line += tagKeys[i] + escapeKeyOrTagValue(t);
    }
    let sep = ' ';
    for (const i of fieldOrder) {
      const raw = r.fields[i];
      if (raw === null || raw === undefined) continue;
      const value = lpValue(raw, fields[i]!.type);
      if (value === undefined) return slow(r);
      line += sep + fieldKeys[i] + value;
      sep = ',';
    }
    if (sep === ' ') return '';
    if (r.time < INT64_MIN || r.time > INT64_MAX) return slow(r);
    return `${line} ${r.time}\n`;
  };
}

/** A field value as encodeLine writes `fieldValue(raw, type)`; undefined when only encodeLine can say. */
function lpValue(raw: unknown, type: string): string | undefined {
  switch (type) {
    case 'integer':
      if (typeof raw === 'number') return Number.isSafeInteger(raw) ? `${BigInt(raw)}i` : undefined;
      return typeof raw === 'string' && INTEGER.test(raw) ? `${raw}i` : undefined;
    case 'float': {
      const x = Number(raw);
      if (!Number.isFinite(x)) return undefined;
      return Object.is(x, -0) ? '-0' : String(x);
    }
    case 'boolean':
      return raw === true || raw === 'true' ? 'true' : 'false';
    default: {
      const s = String(raw);
      if (s.length * 3 > MAX_STRING_FIELD_BYTES) return undefined;
      return `"${escapeStringField(s)}"`;
    }
  }
}
