import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Consent } from '../../edge/privacy/consent/consent.js';
import { createPrivacyStage } from '../../edge/privacy/index.js';
import { linkyReadings, ns } from '../../edge/privacy/test-support.js';
import { encodeLines, type Reading } from '../../wire/index.js';
import { tempDir, useInflux } from '../harness/index.js';

/**
 * A simulated Linky's readings (every 30 s) go through the privacy stage with an injected clock,
 * then as line protocol into a real InfluxDB, where InfluxQL counts what arrived.
 */
const influx = useInflux();
const DAY_NS = 86_400_000_000_000n;

/** Local days in Europe/Paris: an ordinary one, the spring change (23 h) and the autumn change (25 h). */
const DAYS = [
  { date: '2026-06-02', start: ns('2026-06-01T22:00:00Z'), end: ns('2026-06-02T22:00:00Z'), halfHours: 48 },
  { date: '2026-03-29', start: ns('2026-03-28T23:00:00Z'), end: ns('2026-03-29T22:00:00Z'), halfHours: 46 },
  { date: '2026-10-25', start: ns('2026-10-24T22:00:00Z'), end: ns('2026-10-25T23:00:00Z'), halfHours: 50 },
];

async function runDays(db: string, consent: Consent, from: bigint, to: bigint): Promise<void> {
  const dir = tempDir('tidegate-privacy-it-');
  const options = { keyFile: join(dir, 'pseudonym.key'), stateDir: dir, devices: [{ id: 'linky', consent }] };
  let stage = createPrivacyStage(options);
  const out: Reading[] = [];
  let n = 0;
  for (const reading of linkyReadings({ adco: '031664001115' }, from, to, 30)) {
    out.push(...stage.process('linky', reading));
    if (++n % 60 === 0) out.push(...stage.tick(reading.time));
    // A gateway restart every 5000 readings: the open periods come back from stateDir.
    if (n % 5000 === 0) {
      stage.close();
      stage = createPrivacyStage(options);
    }
  }
  out.push(...stage.tick(to));
  stage.close();
  // The ingestor adds gateway and device from the topic.
  const lines = encodeLines(out.map((r) => ({ ...r, tags: { ...r.tags, gateway: 'gw-home-1', device: 'linky' } })));
  await influx().createDatabase(db);
  const written = await influx().write(db, lines);
  expect(written.status).toBe(204);
}

async function count(db: string, where: string, from: bigint, to: bigint): Promise<number> {
  const rows = await influx().rows(
    `SELECT count("period_s") FROM "electricity" WHERE ${where} AND time >= ${from} AND time < ${to}`,
    db,
  );
  return Number(rows[0]?.count ?? 0);
}

async function fieldKeys(db: string): Promise<string[]> {
  const result = await influx().query('SHOW FIELD KEYS FROM "electricity"', db);
  return (result.results[0]?.series?.[0]?.values ?? []).map((v) => String(v[0]));
}

describe('consent granularity into InfluxDB', () => {
  it('daily: one energy reading per local day and no power, current or voltage', async () => {
    const from = ns('2026-03-27T23:00:00Z');
    const to = ns('2026-03-31T22:00:00Z');
    await runDays('daily', 'daily', from, to);
    expect(await count('daily', 'true', from, to)).toBe(4);
    const spring = DAYS[1]!;
    const [day] = await influx().rows(
      `SELECT "energy_wh", "period_s", "samples" FROM "electricity" WHERE time >= ${spring.start} AND time < ${spring.end}`,
      'daily',
    );
    expect(day).toMatchObject({ time: String(spring.start), period_s: 82_800, samples: 82_800 / 30 });
    const fields = await fieldKeys('daily');
    expect(fields.sort()).toEqual([
      'energy_hc_kwh',
      'energy_hp_kwh',
      'energy_wh',
      'period_energy_hc_wh',
      'period_energy_hp_wh',
      'period_s',
      'samples',
    ]);
    expect(fields.filter((f) => /power|current|voltage|tariff/.test(f))).toEqual([]);
  });

  it('half-hourly: 48 half-hours on an ordinary day (46 and 50 on DST days) plus the daily total', async () => {
    for (const day of DAYS) {
      const db = `halfhourly_${day.date.replaceAll('-', '_')}`;
      await runDays(db, 'half-hourly', day.start - DAY_NS, day.end + DAY_NS);
      expect(await count(db, `"granularity" = 'half-hourly'`, day.start, day.end)).toBe(day.halfHours);
      expect(await count(db, `"granularity" = 'daily'`, day.start, day.end)).toBe(1);
      const [sums] = await influx().rows(
        `SELECT sum("energy_wh") AS curve FROM "electricity" WHERE "granularity" = 'half-hourly' AND time >= ${day.start} AND time < ${day.end}`,
        db,
      );
      const [daily] = await influx().rows(
        `SELECT "energy_wh" FROM "electricity" WHERE "granularity" = 'daily' AND time >= ${day.start} AND time < ${day.end}`,
        db,
      );
      // The half-hours of a day add up to its daily total: both come from the same index readings.
      expect(sums!.curve).toBe(daily!.energy_wh);
      const fields = await fieldKeys(db);
      expect(fields).toContain('mean_power_w');
      expect(fields.filter((f) => /^(apparent_power_va|current_a|energy_h[cp]_wh)$/.test(f))).toEqual([]);
    }
  });

  it('raw: readings pass as read, with the meter pseudonymized', async () => {
    const from = ns('2026-06-01T22:00:00Z');
    await runDays('raw', 'raw', from, from + 3_600_000_000_000n);
    expect(await influx().rows('SELECT count("apparent_power_va") FROM "electricity"', 'raw')).toMatchObject([
      { count: 120 },
    ]);
    const meters = await influx().query('SHOW TAG VALUES FROM "electricity" WITH KEY = "meter"', 'raw');
    const values = meters.results[0]?.series?.[0]?.values?.map((v) => v[1]) ?? [];
    expect(values).toHaveLength(1);
    expect(values[0]).toMatch(/^[0-9a-f]{16}$/);
  });
});
