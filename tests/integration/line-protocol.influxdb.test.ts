import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quoteIdent } from '../../broker/influxdb/influxql.js';
import { encodeLines } from '../../wire/line-protocol/encode.js';
import type { FieldValue, Reading } from '../../wire/reading.js';
import { useInflux } from '../harness/influxdb.js';
import { readingArb } from '../support/readings.js';

const influx = useInflux();
const DB = 'roundtrip';

/** InfluxDB's valid time range is int64 less its two extremes; stay well inside it. */
const TIME = { timeMin: -(10n ** 18n), timeMax: 4n * 10n ** 18n };

function asBigInt(v: unknown): bigint {
  return BigInt(v as string | number);
}

describe('line protocol against a real InfluxDB 1.x', () => {
  it('gives back the same values, tags and timestamps for 300 generated readings', async () => {
    await influx().createDatabase(DB);
    const readings = fc
      .sample(readingArb(TIME), { numRuns: 300, seed: 20261128 })
      // One measurement per reading, so field types never conflict between readings, and no name used
      // both as a tag key and a field key (InfluxQL would rename one of the columns).
      .map((r, i): Reading => ({ ...r, measurement: `${r.measurement}#${i}` }))
      .filter((r) => !Object.keys(r.tags).some((k) => k in r.fields));

    const res = await influx().write(DB, encodeLines(readings));
    expect(res.status, res.body).toBe(204);

    for (const r of readings) {
      const from = quoteIdent(r.measurement);
      const rows = await influx().rows(`SELECT * FROM ${from}`, DB);
      expect(rows, r.measurement).toHaveLength(1);
      const row = rows[0] as Record<string, unknown>;
      expect(asBigInt(row.time)).toBe(r.time);
      for (const [k, v] of Object.entries(r.tags)) expect(row[k], `tag ${k}`).toBe(v);

      const types = Object.fromEntries(
        ((await influx().rows(`SHOW FIELD KEYS FROM ${from}`, DB)) as { fieldKey: string; fieldType: string }[]).map(
          (f) => [f.fieldKey, f.fieldType],
        ),
      );
      for (const [k, v] of Object.entries(r.fields)) {
        expect(types[k], `type of ${k}`).toBe(influxType(v));
        const got = row[k];
        if (typeof v === 'bigint') expect(asBigInt(got)).toBe(v);
        else if (typeof v === 'number') expect(Number(got)).toBe(v);
        else expect(got, `field ${k}`).toBe(v);
      }
    }
    // 600 queries one after the other: on a loaded shared machine this outlasts the default timeout.
  }, 300_000);

  it('InfluxDB keeps one point per series and time, so a replayed line is not counted twice', async () => {
    const line = 'replay,device=pm-1 pm2_5_ugm3=12.5 1700000000000000000\n';
    await influx().write(DB, line);
    await influx().write(DB, line);
    const rows = await influx().rows('SELECT count(pm2_5_ugm3) FROM replay', DB);
    expect(rows[0]?.count).toBe(1);
  });
});

function influxType(v: FieldValue): string {
  switch (typeof v) {
    case 'bigint':
      return 'integer';
    case 'number':
      return 'float';
    case 'string':
      return 'string';
    default:
      return 'boolean';
  }
}
