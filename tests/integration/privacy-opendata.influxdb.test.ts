import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { exportOpenData } from '../../broker/opendata/query.js';
import { createPrivacyStage, laeaInverse } from '../../edge/privacy/index.js';
import { linkyReadings, ns } from '../../edge/privacy/test-support.js';
import { encodeLines, type Reading } from '../../wire/index.js';
import { tempDir, useInflux } from '../harness/index.js';

/**
 * A synthetic population of self-data homes in 1 km areas of the INSEE grid, each home's Linky
 * going through its own gateway's privacy stage (daily or half-hourly consent) into a real InfluxDB;
 * the open-data export must publish exactly the areas with at least 10 distinct meters.
 */
const influx = useInflux();
const run = promisify(execFile);
const DAY1 = ns('2026-06-01T22:00:00Z'); // local midnight, 2 June 2026
const DAY2 = ns('2026-06-02T22:00:00Z');
const DAY3 = ns('2026-06-03T22:00:00Z');

interface Home {
  area: number;
  /** Present on the second day too (else its gateway was off after the first). */
  bothDays: boolean;
  consent: 'daily' | 'half-hourly';
  /** No location configured: its totals carry no cell and must be left out. */
  unlocated?: boolean;
}

/** Meters per 1 km area on day 1 and day 2: 3/3, 9/9, 10/10, 10/9, 11/11 (2 half-hourly), 30/30. */
const AREAS: { homes: number; absentDay2: number; halfHourly: number }[] = [
  { homes: 3, absentDay2: 0, halfHourly: 0 },
  { homes: 9, absentDay2: 0, halfHourly: 0 },
  { homes: 10, absentDay2: 0, halfHourly: 0 },
  { homes: 10, absentDay2: 1, halfHourly: 0 },
  { homes: 11, absentDay2: 0, halfHourly: 2 },
  { homes: 30, absentDay2: 0, halfHourly: 0 },
];

function population(): Home[] {
  const homes: Home[] = [];
  AREAS.forEach((spec, area) => {
    for (let i = 0; i < spec.homes; i++) {
      homes.push({ area, bothDays: i >= spec.absentDay2, consent: i < spec.halfHourly ? 'half-hourly' : 'daily' });
    }
  });
  homes.push({ area: 5, bothDays: true, consent: 'daily', unlocated: true });
  return homes;
}

/** A location inside 1 km area `area` (a row of areas east of La Rochelle's port), spread over its 200 m cells. */
function locationOf(area: number, index: number): { lat: number; lon: number } {
  return laeaInverse({
    east: 3_460_000 + area * 1000 + (index % 5) * 200 + 37,
    north: 2_624_000 + (Math.floor(index / 5) % 5) * 200 + 11,
  });
}

function areaId(area: number): string {
  return `CRS3035RES1000mN2624000E${3_460_000 + area * 1000}`;
}

describe('open-data export', () => {
  it('publishes exactly the areas with at least 10 distinct contributors, per day and over the range', async () => {
    const dir = tempDir('tidegate-opendata-');
    const lines: string[] = [];
    const dailyEnergy = new Map<string, number>(); // `${date} ${area}` → Wh, from the stages' own output
    population().forEach((home, i) => {
      const stage = createPrivacyStage({
        keyFile: join(dir, 'pseudonym.key'),
        devices: [{ id: 'linky', consent: home.consent }],
        ...(home.unlocated ? {} : { location: locationOf(home.area, i) }),
      });
      const out: Reading[] = [];
      const end = home.bothDays ? DAY3 : DAY2;
      const meter = { adco: String(31_664_000_000 + i).padStart(12, '0'), profile: () => 300 + 20 * i };
      for (const r of linkyReadings(meter, DAY1, end, 600)) out.push(...stage.process('linky', r));
      out.push(...stage.tick(end));
      for (const r of out) {
        if (r.tags.granularity === 'daily' && !home.unlocated) {
          const key = `${r.time === DAY1 ? '2026-06-02' : '2026-06-03'} ${home.area}`;
          dailyEnergy.set(key, (dailyEnergy.get(key) ?? 0) + Number(r.fields.energy_wh));
        }
      }
      lines.push(
        encodeLines(out.map((r) => ({ ...r, tags: { ...r.tags, gateway: `gw-home-${i}`, device: 'linky' } }))),
      );
    });
    await influx().createDatabase('city');
    expect((await influx().write('city', lines.join(''))).status).toBe(204);

    const connection = { url: influx().url, database: 'city' };
    const base = {
      from: '2026-06-02',
      to: '2026-06-04',
      cellSize: 1000,
      minContributors: 10,
      timeZone: 'Europe/Paris',
    };

    const byDay = await exportOpenData(connection, { ...base, period: 'day' });
    expect(byDay.cells.map((c) => [c.period, c.area, c.contributors])).toEqual([
      ['2026-06-02', areaId(2), 10],
      ['2026-06-02', areaId(3), 10],
      ['2026-06-02', areaId(4), 11],
      ['2026-06-02', areaId(5), 30],
      ['2026-06-03', areaId(2), 10],
      ['2026-06-03', areaId(4), 11],
      ['2026-06-03', areaId(5), 30],
    ]);
    // Day 1: areas 0 (3) and 1 (9); day 2: areas 0, 1 and 3 (9 left).
    expect(byDay.refusedCells).toBe(5);
    expect(byDay.unplaced).toBe(2);
    for (const cell of byDay.cells) {
      const area = AREAS.findIndex((_, a) => areaId(a) === cell.area);
      expect(cell.energyWh).toBe(dailyEnergy.get(`${cell.period} ${area}`));
    }

    // Over both days area 3 has 10 distinct meters again.
    const overRange = await exportOpenData(connection, { ...base, period: 'all' });
    expect(overRange.cells.map((c) => [c.period, c.area, c.contributors])).toEqual([
      ['2026-06-02..2026-06-04', areaId(2), 10],
      ['2026-06-02..2026-06-04', areaId(3), 10],
      ['2026-06-02..2026-06-04', areaId(4), 11],
      ['2026-06-02..2026-06-04', areaId(5), 30],
    ]);
    expect(overRange.refusedCells).toBe(2);

    // In 200 m cells nobody reaches 10: everything is refused, nothing published.
    const fine = await exportOpenData(connection, { ...base, cellSize: 200, period: 'all' });
    expect(fine.cells).toEqual([]);
    expect(fine.refusedCells).toBeGreaterThan(0);

    // The same through the real CLI.
    const cli = await run(process.execPath, [
      'bin/tidegate.js',
      'export',
      '-m',
      'electricity',
      '--open-data',
      '--from',
      '2026-06-02',
      '--to',
      '2026-06-04',
      '--period',
      'all',
      '--influx-url',
      influx().url,
      '--database',
      'city',
    ]);
    expect(cli.stdout.trim().split('\n')).toEqual([
      'period,area,contributors,energy_wh',
      ...overRange.cells.map((c) => `${c.period},${c.area},${c.contributors},${c.energyWh}`),
    ]);
    expect(cli.stderr).toContain('4 cells published, 2 cells refused (fewer than 10 contributors)');
  });

  it('refuses a floor below 10 and names the option', async () => {
    const connection = { url: influx().url, database: 'city' };
    await expect(
      exportOpenData(connection, {
        from: '2026-06-02',
        to: '2026-06-04',
        cellSize: 1000,
        minContributors: 5,
        timeZone: 'Europe/Paris',
        period: 'day',
      }),
    ).rejects.toThrow(/--min-contributors: 5 is below 10/);
  });
});
