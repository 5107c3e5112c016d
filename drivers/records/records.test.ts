import { describe, expect, it } from 'vitest';
import { createMapper } from './map.js';
import { readRecords } from './read.js';
import { csvSchema, mappingSchema } from './schema.js';
import { parseTime } from './time.js';

const wasteMapping = mappingSchema.parse({
  measurement: 'material_flow',
  tags: { partner: 'company', stream: 'stream', direction: { value: 'out' } },
  fields: { mass_kg: { from: 'tonnes', unit: 't' } },
  time: { from: 'month', format: 'yyyy-MM', timeZone: 'Europe/Paris' },
  pseudonymise: ['partner'],
});

const collect = () => {
  const readings: unknown[] = [];
  const rejected: string[] = [];
  return {
    readings,
    rejected,
    sink: {
      reading: (r: unknown) => readings.push(r),
      rejected: (reason: string, d?: string) => rejected.push(`${reason}: ${d}`),
    },
  };
};

describe('mapping', () => {
  it('maps a row: constant and column tags, unit conversion, local month start, identifiers', () => {
    const out = createMapper(wasteMapping, { decimalComma: true })({
      company: 'SIRET 123',
      stream: 'cardboard',
      tonnes: '12,5',
      month: '2026-10',
    });
    expect(out).toEqual({
      kind: 'reading',
      reading: {
        measurement: 'material_flow',
        tags: { partner: 'SIRET 123', stream: 'cardboard', direction: 'out' },
        fields: { mass_kg: 12500 },
        // 2026-10-01T00:00 in Paris is 22:00 UTC the day before (summer time)
        time: BigInt(Date.UTC(2026, 8, 30, 22)) * 1_000_000n,
        identifiers: ['partner'],
      },
    });
  });

  it('rejects a missing field, a bad number and a bad date, each with the column', () => {
    const map = createMapper(wasteMapping);
    const base = { company: 'a', stream: 'glass', month: '2026-10' };
    expect(map({ ...base, tonnes: '' })).toMatchObject({
      kind: 'rejected',
      reason: 'missing',
      detail: expect.stringContaining('tonnes'),
    });
    expect(map({ ...base, tonnes: '12,5' })).toMatchObject({ kind: 'rejected', reason: 'bad_number' });
    expect(map({ ...base, tonnes: '1', month: 'octobre' })).toMatchObject({ kind: 'rejected', reason: 'bad_time' });
    expect(map({ ...base, company: ' ', tonnes: '1' })).toMatchObject({ kind: 'rejected', reason: 'missing' });
    expect(map(['not', 'an', 'object'])).toMatchObject({ kind: 'rejected', reason: 'bad_record' });
  });

  it('integer fields refuse fractions; 0.1 t is exactly 100 kg', () => {
    const counts = mappingSchema.parse({
      measurement: 'traffic',
      fields: { count: { from: 'n', type: 'integer' } },
      time: { from: 't', format: 'epoch_s' },
    });
    expect(createMapper(counts)({ n: 3, t: 1 })).toMatchObject({ reading: { fields: { count: 3n } } });
    expect(createMapper(counts)({ n: '3.5', t: 1 })).toMatchObject({ kind: 'rejected', reason: 'bad_number' });
    const flows = mappingSchema.parse({
      measurement: 'material_flow',
      fields: { mass_kg: { from: 'w', unit: 't' } },
      time: { from: 't', format: 'epoch_s' },
    });
    expect(createMapper(flows)({ w: 0.1, t: 1 })).toMatchObject({ reading: { fields: { mass_kg: 100 } } });
  });

  it('where skips, when picks the field of a row (one pollutant per row)', () => {
    const m = mappingSchema.parse({
      measurement: 'air_quality',
      tags: { station: 'code site' },
      fields: {
        pm10_ugm3: { from: 'valeur', when: { Polluant: 'PM10' } },
        no2_ugm3: { from: 'valeur', when: { Polluant: 'NO2' } },
      },
      time: { from: 'Date de début', format: 'yyyy/MM/dd HH:mm:ss' },
      where: { validité: '1' },
    });
    const map = createMapper(m);
    const row = { 'code site': 'FR01011', 'Date de début': '2021/10/22 00:00:00', validité: '1', valeur: '7.9' };
    expect(map({ ...row, Polluant: 'NO2' })).toMatchObject({ reading: { fields: { no2_ugm3: 7.9 } } });
    expect(map({ ...row, Polluant: 'SO2' })).toEqual({ kind: 'skipped' });
    expect(map({ ...row, Polluant: 'NO2', validité: '-1' })).toEqual({ kind: 'skipped' });
  });

  it('refuses a unit that does not fit the field name, and pseudonymising a tag that is not there', () => {
    const bad = mappingSchema.safeParse({
      measurement: 'material_flow',
      tags: {},
      fields: { mass_kg: { from: 'x', unit: 'kWh' }, nights: { from: 'y', unit: 't' } },
      time: { from: 't' },
      pseudonymise: ['company'],
    });
    expect(bad.success).toBe(false);
    const messages = bad.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(messages).toEqual([
      'fields.nights: field "nights" of material_flow is not in the catalogue (wire/catalogue)',
      'pseudonymise.0: "company" is not a tag of this mapping',
      'fields.mass_kg.unit: unit "kWh" measures energy, field "mass_kg" holds mass',
      'fields.nights.unit: field "nights" does not end with a unit of mass (e.g. nights_kg): cannot convert',
    ]);
  });
});

describe('timestamps', () => {
  it('reads local times in their zone, ISO offsets win, epochs are UTC', () => {
    const paris = { format: 'dd/MM/yyyy HH:mm', timeZone: 'Europe/Paris' };
    expect(parseTime('15/01/2026 12:00', paris)).toEqual({ ns: BigInt(Date.UTC(2026, 0, 15, 11)) * 1_000_000n });
    expect(parseTime('2026-07-01T00:00:00+02:00', { format: 'iso', timeZone: 'UTC' })).toEqual({
      ns: BigInt(Date.UTC(2026, 5, 30, 22)) * 1_000_000n,
    });
    expect(parseTime('2026-07-01', { format: 'iso', timeZone: 'Europe/Paris' })).toEqual({
      ns: BigInt(Date.UTC(2026, 5, 30, 22)) * 1_000_000n,
    });
    expect(parseTime(1_700_000_000, { format: 'epoch_s', timeZone: 'UTC' })).toEqual({
      ns: 1_700_000_000_000_000_000n,
    });
    expect(parseTime('32/01/2026 12:00', paris)).toMatchObject({ problem: expect.stringContaining('32/01/2026') });
  });
});

describe('readRecords', () => {
  it('a CSV with a short line and bad rows: each rejection with its line, the rest goes through', () => {
    const csv = [
      'company;stream;tonnes;month',
      'A;glass;1,5;2026-10',
      'B;paper',
      'C;paper;x;2026-10',
      'D;wood;2;2026-10',
      '',
    ].join('\n');
    const { readings, rejected, sink } = collect();
    const summary = readRecords(
      Buffer.from(csv),
      { format: 'csv', csv: csvSchema.parse({ delimiter: ';', decimalComma: true }) },
      createMapper(wasteMapping, { decimalComma: true }),
      sink,
      'waste.csv',
    );
    expect(readings).toHaveLength(2);
    expect(summary.rejections.map((r) => `${r.at} ${r.reason}`)).toEqual(['line 3 bad_csv', 'line 4 bad_number']);
    expect(rejected[1]).toBe('bad_number: waste.csv line 4: field mass_kg: "x" is not a number');
  });

  it('JSON records by JSONPath; invalid JSON is one rejection', () => {
    const m = mappingSchema.parse({
      measurement: 'occupancy',
      tags: { area: 'zone' },
      fields: { nights: 'stats.nights' },
      time: { from: 'date', format: 'yyyy-MM-dd', timeZone: 'Europe/Paris' },
    });
    const body = JSON.stringify({ data: [{ zone: 'ile-de-re', date: '2026-08-01', stats: { nights: 1520 } }, 42] });
    const { readings, rejected, sink } = collect();
    readRecords(Buffer.from(body), { format: 'json', json: { records: '$.data[*]' } }, createMapper(m), sink);
    expect(readings).toHaveLength(1);
    expect(rejected).toEqual(['bad_record: record 2: not an object: 42']);
    const bad = collect();
    readRecords(
      Buffer.from('{"data": ['),
      { format: 'json', json: { records: '$.data[*]' } },
      createMapper(m),
      bad.sink,
    );
    expect(bad.rejected[0]).toMatch(/^bad_json: body: /);
  });
});

describe('hostile bodies', () => {
  it('random bytes, as CSV or JSON, never throw: every record is a reading or a counted rejection', async () => {
    const fc = await import('fast-check');
    const map = createMapper(wasteMapping, { decimalComma: true });
    const csv = { format: 'csv' as const, csv: csvSchema.parse({ delimiter: ';', decimalComma: true }) };
    const json = { format: 'json' as const, json: { records: '$..*' } };
    const header = Buffer.from('month;company;stream;tonnes\n');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.boolean(), (bytes, asCsv) => {
        const { sink } = collect();
        const body = asCsv ? Buffer.concat([header, bytes]) : bytes;
        const summary = readRecords(body, asCsv ? csv : json, map, sink);
        return summary.readings + summary.skipped + summary.rejections.length >= summary.records;
      }),
      { numRuns: 300 },
    );
  });
});
