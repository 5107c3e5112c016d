import { describe, expect, it } from 'vitest';
import { encodeLine } from '../../wire/line-protocol/encode.js';
import type { FieldValue } from '../../wire/reading.js';
import { createFormatter, type ExportRow, fieldValue } from './formats.js';
import type { ExportPlan } from './plan.js';
import { formatTime } from './time.js';

const plan: ExportPlan = {
  measurement: 'm',
  tags: ['device', 'si"te'],
  fields: [
    { name: 'i', source: 'i', type: 'integer' },
    { name: 'f', source: 'f', type: 'float' },
    { name: 'b', source: 'b', type: 'boolean' },
    { name: 's', source: 's', type: 'string' },
  ],
  windows: [],
  aggregated: false,
};

/** The JSON lines writer as it was before it wrote InfluxDB's values straight: the typed detour. */
function reference(r: ExportRow): string {
  const parts = [`"time":${JSON.stringify(formatTime(r.time))}`];
  r.tags.forEach((t, i) => {
    if (t !== null && t !== '') parts.push(`${JSON.stringify(plan.tags[i])}:${JSON.stringify(t)}`);
  });
  r.fields.forEach((raw, i) => {
    const v = fieldValue(raw, plan.fields[i]!.type);
    if (v !== null)
      parts.push(`${JSON.stringify(plan.fields[i]!.name)}:${typeof v === 'bigint' ? v : JSON.stringify(v)}`);
  });
  return `{${parts.join(',')}}\n`;
}

describe('jsonl rows', () => {
  it('are the typed writer’s bytes for int64 limits, floats, booleans, escapes and missing values', () => {
    const integers = [
      '9223372036854775807',
      '-9223372036854775808',
      '9007199254740993',
      '0',
      '-0',
      '007',
      42,
      -1,
      null,
    ];
    const floats = [1e-7, -0, 0.1, '1e21', 1.7976931348623157e308, 5e-324, '123456789012345680000', null];
    const booleans = [true, false, 'true', null];
    const strings = ['plain', 'said "hi"\n', '\\', '雨 🌧', '\u2028', '', '\u0000', null];
    const tags = ['d"1', '', null, 'é\t'];
    const formatter = createFormatter('jsonl', plan);
    for (let n = 0; n < 400; n++) {
      const row: ExportRow = {
        time: 1_767_225_600_000_000_000n + BigInt(n) * 1_000_000_007n,
        tags: [tags[n % 4]!, tags[(n >> 2) % 4]!],
        fields: [integers[n % 9], floats[n % 8], booleans[n % 4], strings[(n >> 1) % 8]],
      };
      const line = formatter.row(row);
      expect(line).toBe(reference(row));
      JSON.parse(line);
    }
  });
});

/** The line protocol writer as it was: every row through encodeLine. */
function lpReference(p: ExportPlan, r: ExportRow): string {
  const tags: Record<string, string> = {};
  r.tags.forEach((t, i) => {
    if (t !== null && t !== '') tags[p.tags[i]!] = t;
  });
  const fields: Record<string, FieldValue> = {};
  r.fields.forEach((raw, i) => {
    const v = fieldValue(raw, p.fields[i]!.type);
    if (v !== null) fields[p.fields[i]!.name] = v;
  });
  if (Object.keys(fields).length === 0) return '';
  return `${encodeLine({ measurement: p.measurement, tags, fields, time: r.time })}\n`;
}

const outcome = (f: () => string) => {
  try {
    return f();
  } catch (e) {
    return `threw ${(e as Error).name}: ${(e as Error).message}`;
  }
};

describe('lp rows', () => {
  it('are encodeLine’s bytes, or its error, for awkward names, values and types', () => {
    const plans: ExportPlan[] = [
      plan,
      {
        ...plan,
        measurement: 'a b,c',
        tags: ['z', 'a=b', '10', '2'],
        fields: [...plan.fields, { name: '7', source: '7', type: 'float' }],
      },
      { ...plan, fields: [{ name: 'time', source: 'time', type: 'float' }] },
    ];
    const integers = [
      '9223372036854775807',
      '-9223372036854775808',
      '123456789012345678',
      '-0',
      '007',
      42,
      -1,
      1.5,
      'x',
      null,
    ];
    const floats = [1e-7, -0, 0.1, '1e21', 5e-324, '123456789012345680000', 'NaN', null, 7];
    const booleans = [true, false, 'true', null];
    const strings = ['plain', 'said "hi"\n', 'back\\slash', '雨 🌧', '', 'x'.repeat(30_000), null, 3];
    const tagValues = ['d 1', 'a,b=c', '', null, 'bad\\', 'ctl\u0001', 'é', 42];
    for (const p of plans) {
      const formatter = createFormatter('lp', p);
      for (let n = 0; n < 600; n++) {
        const row: ExportRow = {
          time: n === 599 ? -(2n ** 63n) : 1_767_225_600_000_000_000n + BigInt(n),
          tags: p.tags.map((_, i) => tagValues[(n + 3 * i) % 8] as string | null),
          fields: p.fields.map((f, i) => {
            const k = n + 7 * i;
            if (f.type === 'integer') return integers[k % 10];
            if (f.type === 'float') return floats[k % 9];
            if (f.type === 'boolean') return booleans[k % 4];
            return strings[k % 8];
          }),
        };
        expect(outcome(() => formatter.row(row))).toBe(outcome(() => lpReference(p, row)));
      }
    }
  });
});
