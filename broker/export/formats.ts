import { encodeLine, type FieldValue } from '../../wire/index.js';
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

function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function jsonValue(v: FieldValue): string {
  return typeof v === 'bigint' ? v.toString() : JSON.stringify(v);
}

export function createFormatter(format: ExportFormat, plan: ExportPlan): RowFormatter {
  const { tags, fields } = plan;
  switch (format) {
    case 'csv':
      return {
        header: () => `${['time', ...tags, ...fields.map((f) => f.name)].map(csvCell).join(',')}\n`,
        row: (r) => {
          const cells = [formatTime(r.time), ...r.tags.map((t) => csvCell(t ?? ''))];
          r.fields.forEach((raw, i) => {
            const v = fieldValue(raw, fields[i]!.type);
            cells.push(v === null ? '' : csvCell(String(v)));
          });
          return `${cells.join(',')}\n`;
        },
      };
    case 'jsonl':
      return {
        header: () => '',
        row: (r) => {
          const parts = [`"time":${JSON.stringify(formatTime(r.time))}`];
          r.tags.forEach((t, i) => {
            if (t !== null && t !== '') parts.push(`${JSON.stringify(tags[i])}:${JSON.stringify(t)}`);
          });
          r.fields.forEach((raw, i) => {
            const v = fieldValue(raw, fields[i]!.type);
            if (v !== null) parts.push(`${JSON.stringify(fields[i]!.name)}:${jsonValue(v)}`);
          });
          return `{${parts.join(',')}}\n`;
        },
      };
    case 'lp':
      return {
        header: () => '',
        row: (r) => {
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
        },
      };
  }
}
