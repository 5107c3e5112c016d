import { describe, expect, it } from 'vitest';
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
