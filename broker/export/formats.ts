// The encoder alone: wire/index.js also loads the catalogue (13 MB of RSS for an export that needs none of it).
import { encodeLine } from '../../wire/line-protocol/encode.js';
import type { FieldValue } from '../../wire/reading.js';
import { createLpRow } from './lp-row.js';
import type { ExportPlan, FieldType } from './plan.js';
import type { ExportFormat } from './request.js';
import { formatTime } from './time.js';

/** One output row: values aligned with the plan's tags and fields; null where a series has none. */
export interface ExportRow {
  time: bigint;
  tags: (string | null)[];
  fields: unknown[];
}

export interface RowFormatter {
  header(): string;
  row(row: ExportRow): string;
}

/** A value from InfluxDB's JSON (int64 values arrive as strings) as the field's type, or null. */
export function fieldValue(raw: unknown, type: FieldType): FieldValue | null {
  if (raw === null || raw === undefined) return null;
  switch (type) {
    case 'integer':
      return BigInt(raw as string | number);
    case 'float':
      return Number(raw);
    case 'boolean':
      return raw === true || raw === 'true';
    default:
      return String(raw);
  }
}

const NEEDS_QUOTES = /[",\r\n]/;

export function csvCell(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * A CSV cell straight from InfluxDB's JSON value, without the typed detour of `fieldValue`: integers
 * arrive as decimal strings (or small numbers) and are written as they are, floats as JavaScript
 * prints them; only strings can need quotes.
 */
export function csvFieldCell(raw: unknown, type: FieldType): string {
  if (raw === null || raw === undefined) return '';
  switch (type) {
    case 'integer':
      return typeof raw === 'string' ? raw : BigInt(raw as number).toString();
    case 'float':
      return String(typeof raw === 'number' ? raw : Number(raw));
    case 'boolean':
      return raw === true || raw === 'true' ? 'true' : 'false';
    default:
      return csvCell(String(raw));
  }
}

const INTEGER = /^(?:0|-?[1-9]\d*)$/;

/** `fieldValue` of a non-null value from InfluxDB's JSON written as JSON: int64 exact, without BigInt for digits. */
function jsonCell(raw: unknown, type: FieldType): string {
  switch (type) {
    case 'integer':
      return typeof raw === 'string' && INTEGER.test(raw) ? raw : BigInt(raw as string | number).toString();
    case 'float':
      return JSON.stringify(Number(raw));
    case 'boolean':
      return raw === true || raw === 'true' ? 'true' : 'false';
    default:
      return JSON.stringify(String(raw));
  }
}

export function createFormatter(format: ExportFormat, plan: ExportPlan): RowFormatter {
  const { tags, fields } = plan;
  switch (format) {
    case 'csv':
      return {
        header: () => `${['time', ...tags, ...fields.map((f) => f.name)].map(csvCell).join(',')}\n`,
        row: (r) => {
          let line = formatTime(r.time);
          for (const t of r.tags) line += `,${t === null ? '' : csvCell(t)}`;
          for (let i = 0; i < r.fields.length; i++) line += `,${csvFieldCell(r.fields[i], fields[i]!.type)}`;
          return `${line}\n`;
        },
      };
    case 'jsonl': {
      // Keys quoted once, values written straight from InfluxDB's (as jsonCell says): no array, no BigInt.
      const tagKeys = tags.map((t) => `,${JSON.stringify(t)}:`);
      const fieldKeys = fields.map((f) => `,${JSON.stringify(f.name)}:`);
      return {
        header: () => '',
        row: (r) => {
          // formatTime writes digits, dashes, colons, a dot and Z: nothing JSON escapes.
          let line = `{"time":"${formatTime(r.time)}"`;
          for (let i = 0; i < r.tags.length; i++) {
            const t = r.tags[i];
            if (t !== null && t !== '' && t !== undefined) line += tagKeys[i] + JSON.stringify(t);
          }
          for (let i = 0; i < r.fields.length; i++) {
            const raw = r.fields[i];
            if (raw !== null && raw !== undefined) line += fieldKeys[i] + jsonCell(raw, fields[i]!.type);
          }
          return `${line}}\n`;
        },
      };
    }
    case 'lp': {
      const slow = (r: ExportRow): string => {
        const rowTags: Record<string, string> = {};
        r.tags.forEach((t, i) => {
          if (t !== null && t !== '') rowTags[tags[i]!] = t;
        });
        const rowFields: Record<string, FieldValue> = {};
        r.fields.forEach((raw, i) => {
          const v = fieldValue(raw, fields[i]!.type);
          if (v !== null) rowFields[fields[i]!.name] = v;
        });
        if (Object.keys(rowFields).length === 0) return '';
        return `${encodeLine({ measurement: plan.measurement, tags: rowTags, fields: rowFields, time: r.time })}\n`;
      };
      return { header: () => '', row: createLpRow(plan, slow) };
    }
  }
}
