import { type FieldValue, INT64_MAX, INT64_MIN, type Reading } from '../reading.js';
import { escapeKeyOrTagValue, escapeMeasurement, escapeStringField, nameProblem } from './escape.js';

/** InfluxDB 1.x refuses string fields longer than 64 KiB. */
export const MAX_STRING_FIELD_BYTES = 64 * 1024;

export class EncodeError extends Error {
  constructor(
    message: string,
    readonly reading: Reading,
  ) {
    super(message);
    this.name = 'EncodeError';
  }
}

/** Why `reading` cannot be written as line protocol, or undefined when it can. */
export function readingProblem(reading: Reading): string | undefined {
  const m = nameProblem(reading.measurement, 'measurement');
  if (m) return m;
  for (const [key, value] of Object.entries(reading.tags)) {
    const p = nameProblem(key, 'tag key') ?? nameProblem(value, 'tag value');
    if (p) return `tag ${JSON.stringify(key)}: ${p}`;
  }
  const fieldKeys = Object.keys(reading.fields);
  if (fieldKeys.length === 0) return 'a reading needs at least one field';
  for (const key of fieldKeys) {
    const p = nameProblem(key, 'field key') ?? fieldValueProblem(reading.fields[key] as FieldValue);
    if (p) return `field ${JSON.stringify(key)}: ${p}`;
  }
  if (typeof reading.time !== 'bigint') return 'time must be a bigint of nanoseconds';
  if (reading.time < INT64_MIN || reading.time > INT64_MAX) return 'time is outside the int64 range';
  return undefined;
}

function fieldValueProblem(value: FieldValue): string | undefined {
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? undefined : `float ${value} is not finite`;
    case 'bigint':
      return value < INT64_MIN || value > INT64_MAX ? 'integer is outside the int64 range' : undefined;
    case 'string':
      return Buffer.byteLength(value) > MAX_STRING_FIELD_BYTES ? 'string field is longer than 64 KiB' : undefined;
    case 'boolean':
      return undefined;
    default:
      return `unsupported field type ${typeof value}`;
  }
}

function encodeFieldValue(value: FieldValue): string {
  switch (typeof value) {
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'bigint':
      return `${value}i`;
    case 'string':
      return `"${escapeStringField(value)}"`;
    default:
      return value ? 'true' : 'false';
  }
}

/** One reading as one line of line protocol (no trailing newline). Tags are sorted by key, as InfluxDB prefers. */
export function encodeLine(reading: Reading): string {
  const problem = readingProblem(reading);
  if (problem) throw new EncodeError(`cannot encode reading of "${reading.measurement}": ${problem}`, reading);
  let line = escapeMeasurement(reading.measurement);
  for (const key of Object.keys(reading.tags).sort()) {
    line += `,${escapeKeyOrTagValue(key)}=${escapeKeyOrTagValue(reading.tags[key] as string)}`;
  }
  let sep = ' ';
  for (const [key, value] of Object.entries(reading.fields)) {
    line += `${sep}${escapeKeyOrTagValue(key)}=${encodeFieldValue(value)}`;
    sep = ',';
  }
  return `${line} ${reading.time}`;
}

/** Many readings, one per line, newline-terminated. */
export function encodeLines(readings: Iterable<Reading>): string {
  let out = '';
  for (const r of readings) out += `${encodeLine(r)}\n`;
  return out;
}
