import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { computeCarbon } from '../../broker/carbon/compute.js';
import { defaultCarbonConfig, loadCarbonConfig } from '../../broker/carbon/config.js';
import { parseIntensityCsv } from '../../broker/carbon/intensity-csv.js';
import { startCarbonSchedule } from '../../broker/carbon/schedule.js';
import { ensureSchema, type InfluxConnection } from '../../broker/schema/index.js';
import { tempDir, useInflux, waitFor } from '../harness/index.js';

const influx = useInflux();
const DB = 'tidegate';
const conn = (): InfluxConnection => ({ url: influx().url, database: DB });

const DAY_MS = 86_400_000;
// Midnight UTC ten days ago: inside the raw retention policy, whatever today is.
const T0_MS = Math.floor(Date.now() / DAY_MS - 10) * DAY_MS;
const T0 = BigInt(T0_MS) * 1_000_000n;
const MIN = 60_000_000_000n;
const at = (minutes: number) => T0 + BigInt(minutes) * MIN;
const hourOf = (r: Record<string, unknown>) => Number((BigInt(r.time as string) - T0) / (60n * MIN));

/**
 * meter-1 (energy_import_wh, Wh): 00:00 1000 · 00:30 1100 · 01:00 1250 · 01:30 1300 · reset · 02:00 20 ·
 * 02:30 80 · gap of 4 h · 06:30 500 · 07:30 560. With maxGap 2h, by hand:
 *   h0 = 100 + 150 = 250 · h1 = 50 · h2 = 60 (1 reset; the 1300 → 20 interval counts nothing) ·
 *   h3–h5 no point · h6 = 30 of the 06:30 → 07:30 interval, plus 420 unattributed (80 → 500 across the gap) ·
 *   h7 = 30.
 * meter-2 has per-tariff indexes only (Linky historique): hchc 5000 → 5100, hchp 7000 → 7000 in h0.
 * linky-s (standard mode, no EAST) has supplier and distributor families: only the supplier's is counted.
 * Self-data aggregates (docs/privacy.md): linky-h half-hourly 40 + 30 Wh in h0, 20 Wh in h1 (its daily
 * reading is left out: the half-hours are finer); linky-d daily only, 2400 Wh for the local day starting
 * at 23:00 UTC; meter-1's own daily reading is left out (its indexes are finer).
 */
const ELECTRICITY = [
  [0, 1000],
  [30, 1100],
  [60, 1250],
  [90, 1300],
  [120, 20],
  [150, 80],
  [390, 500],
  [450, 560],
]
  .map(
    ([m, wh]) =>
      `electricity,device=meter-1,gateway=gw-1,meter=m-abc active_power_w=100,energy_import_wh=${wh}i ${at(m!)}`,
  )
  .concat(
    [
      [0, 5000, 7000],
      [30, 5100, 7000],
    ].map(
      ([m, hc, hp]) =>
        `electricity,device=linky,gateway=gw-2,meter=m-def energy_hchc_wh=${hc}i,energy_hchp_wh=${hp}i,energy_export_wh=0i ${at(m!)}`,
    ),
  )
  .concat([
    `electricity,device=linky-s,gateway=gw-3,meter=m-ghi energy_easf01_wh=100,energy_easf02_wh=50,energy_easd01_wh=150 ${at(0)}`,
    `electricity,device=linky-s,gateway=gw-3,meter=m-ghi energy_easf01_wh=160,energy_easf02_wh=50,energy_easd01_wh=210 ${at(30)}`,
    `electricity,device=linky-h,gateway=gw-4,granularity=half-hourly,meter=m-jkl energy_wh=40i,period_s=1800i ${at(0)}`,
    `electricity,device=linky-h,gateway=gw-4,granularity=half-hourly,meter=m-jkl energy_wh=30i,period_s=1800i ${at(30)}`,
    `electricity,device=linky-h,gateway=gw-4,granularity=half-hourly,meter=m-jkl energy_wh=20i,period_s=1800i ${at(60)}`,
    `electricity,device=linky-h,gateway=gw-4,granularity=daily,meter=m-jkl energy_wh=700i,period_s=86400i ${at(23 * 60)}`,
    `electricity,device=linky-d,gateway=gw-5,granularity=daily,meter=m-mno energy_wh=2400i,period_s=86400i ${at(23 * 60)}`,
    `electricity,device=meter-1,gateway=gw-1,granularity=daily,meter=m-abc energy_wh=9999i,period_s=86400i ${at(23 * 60)}`,
  ]);

/** road-1 lane 1 cars, lane 2 heavy goods vehicles (PL), a class with no factor, and road-2 with no segment length. */
const TRAFFIC = [
  [0, '1', 'car', 12],
  [6, '1', 'car', 8],
  [12, '1', 'car', 10],
  [66, '1', 'car', 30],
  [0, '2', 'PL', 5],
  [0, '1', 'horse', 3],
  [0, '2', '3', 4], // a numbered class, mapped to hgv by the config
]
  .map(
    ([m, lane, cls, n]) =>
      `traffic,class=${cls},device=road-1,gateway=gw-1,lane=${lane} count=${n}i,period_s=360i ${at(m as number)}`,
  )
  .concat([`traffic,class=car,device=road-2,gateway=gw-1,lane=1 count=7i,period_s=360i ${at(0)}`]);

function configFile(text: string): string {
  const path = join(tempDir(), 'carbon.yaml');
  writeFileSync(path, text);
  return path;
}

const CONFIG = `electricity:
  maxGap: 2h
traffic:
  segmentsKm:
    road-1: 0.5
    road-1/2: 2
  classes:
    "3": hgv
`;

describe('carbon indicators against a real InfluxDB', () => {
  it('turns index differences into hourly energy and kgCO2e, robust to a reset and a gap', async () => {
    await ensureSchema(conn());
    const res = await influx().write(DB, [...ELECTRICITY, ...TRAFFIC].join('\n'));
    expect(res.status, res.body).toBe(204);

    const summary = await computeCarbon(conn(), {
      fromNs: T0,
      toNs: at(24 * 60),
      config: loadCarbonConfig(configFile(CONFIG)),
    });
    expect(summary).toMatchObject({
      counterResets: 1,
      unattributedWh: 420,
      missingSegments: ['road-2/1'],
      unknownClasses: ['horse'],
      vehiclesSkipped: 10,
    });

    const m1 = await influx().rows(`SELECT * FROM ${DB}.hourly.carbon WHERE meter = 'm-abc'`);
    expect(m1.map((r) => [hourOf(r), r.energy_wh, r.unattributed_wh, r.resets])).toEqual([
      [0, 250, 0, 0],
      [1, 50, 0, 0],
      [2, 60, 0, 1],
      [6, 30, 420, 0],
      [7, 30, 0, 0],
    ]);
    const first = m1[0]!;
    expect(first).toMatchObject({ sector: 'electricity', tariff: 'total', device: 'meter-1', intensity_gco2e_kwh: 52 });
    expect(first.co2e_kg).toBeCloseTo(0.25 * 0.052, 12); // 0.25 kWh × 52 gCO2e/kWh
    expect(String(first.factor_source)).toContain('ADEME');

    const m2 = await influx().rows(`SELECT tariff, energy_wh FROM ${DB}.hourly.carbon WHERE meter = 'm-def'`);
    expect(m2.map((r) => [r.tariff, r.energy_wh]).sort()).toEqual([
      ['hchc', 100],
      ['hchp', 0],
    ]);

    const standard = await influx().rows(`SELECT tariff, energy_wh FROM ${DB}.hourly.carbon WHERE meter = 'm-ghi'`);
    expect(standard.map((r) => [r.tariff, r.energy_wh]).sort()).toEqual([
      ['easf01', 60],
      ['easf02', 0],
    ]);
    const halfHourly = await influx().rows(`SELECT * FROM ${DB}.hourly.carbon WHERE meter = 'm-jkl'`);
    expect(halfHourly.map((r) => [hourOf(r), r.granularity, r.energy_wh])).toEqual([
      [0, 'half-hourly', 70],
      [1, 'half-hourly', 20],
    ]);
    const daily = await influx().rows(`SELECT * FROM ${DB}.hourly.carbon WHERE meter = 'm-mno'`);
    expect(daily.map((r) => [hourOf(r), r.granularity, r.energy_wh])).toEqual([[23, 'daily', 2400]]);
    expect(daily[0]!.co2e_kg).toBeCloseTo(2.4 * 0.052, 12);
    expect(
      await influx().rows(`SELECT * FROM ${DB}.hourly.carbon WHERE meter = 'm-abc' AND granularity = 'daily'`),
    ).toEqual([]);

    const cars = await influx().rows(`SELECT * FROM ${DB}.hourly.carbon WHERE sector = 'road_traffic' AND lane = '1'`);
    expect(cars.map((r) => [hourOf(r), r.class, r.vehicles, r.vehicle_km])).toEqual([
      [0, 'car', 30, 15], // 12 + 8 + 10 vehicles × 0.5 km
      [1, 'car', 30, 15],
    ]);
    expect(cars[0]!.co2e_kg).toBeCloseTo(15 * 0.218, 12);
    const numbered = await influx().rows(`SELECT * FROM ${DB}.hourly.carbon WHERE class = '3'`);
    expect(numbered[0]!.co2e_kg).toBeCloseTo(4 * 2 * 0.964, 12);
    const heavy = await influx().rows(`SELECT * FROM ${DB}.hourly.carbon WHERE class = 'PL'`);
    expect(heavy[0]).toMatchObject({ vehicles: 5, vehicle_km: 10 }); // road-1/2 is 2 km
    expect(heavy[0]!.co2e_kg).toBeCloseTo(10 * 0.964, 12);

    const day = await influx().rows(`SELECT * FROM ${DB}.daily.carbon WHERE meter = 'm-abc'`);
    expect(day).toHaveLength(1);
    expect(day[0]).toMatchObject({ sum_energy_wh: 420, sum_unattributed_wh: 420 }); // 250+50+60+30+30
  });

  it('running it again overwrites the same points instead of adding', async () => {
    const before = await influx().query(`SELECT * FROM ${DB}.hourly.carbon`);
    const count = before.results[0]?.series?.[0]?.values?.length;
    await computeCarbon(conn(), { fromNs: T0, toNs: at(24 * 60), config: loadCarbonConfig(configFile(CONFIG)) });
    expect(await influx().query(`SELECT * FROM ${DB}.hourly.carbon`)).toEqual(before);
    expect(count).toBe(16); // electricity 5 + 2 + 2 + 2 + 1, traffic 2 + 1 + 1
  });

  it('uses an hourly intensity series from an éCO2mix CSV, and the default factor for hours it lacks', async () => {
    const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', '+00:00');
    const csv = [
      'Périmètre;Nature;Date;Heure;Date - Heure;Consommation (MW);Taux de CO2 (g/kWh)',
      `France;Données consolidées;x;x;${iso(T0_MS)};50000;90`,
      `France;Données consolidées;x;x;${iso(T0_MS + 30 * 60_000)};50000;110`,
      `France;Données consolidées;x;x;${iso(T0_MS + 45 * 60_000)};50000;`,
    ].join('\n');
    const series = parseIntensityCsv(csv, 'RTE éCO2mix test');
    expect(series).toMatchObject({ rowsRead: 2, rowsSkipped: 1 });
    const summary = await computeCarbon(conn(), {
      fromNs: T0,
      toNs: at(2 * 60),
      config: loadCarbonConfig(configFile(CONFIG)),
      intensitySeries: series,
    });
    const rows = await influx().rows(`SELECT * FROM ${DB}.hourly.carbon WHERE meter = 'm-abc' AND time < ${at(120)}`);
    expect(rows.map((r) => [hourOf(r), r.intensity_gco2e_kwh, r.factor_source])).toEqual([
      [0, 100, 'RTE éCO2mix test'], // mean of 90 and 110
      [1, 52, expect.stringContaining('ADEME')],
    ]);
    expect(rows[0]!.co2e_kg).toBeCloseTo(0.25 * 0.1, 12);
    expect(summary.hoursOnDefaultFactor).toBeGreaterThan(0);
  });

  it('reports a wrong config key with its file and line', () => {
    const path = configFile('electricity:\n  maxGap: 2h\ntraffic:\n  segmentsKm:\n    road-1: -3\n');
    expect(() => loadCarbonConfig(path)).toThrow(`${path}:5: traffic.segmentsKm.road-1:`);
    const typo = configFile('electricity:\n  factor: 50\n');
    expect(() => loadCarbonConfig(typo)).toThrow(/:1: electricity: .*factor/);
  });

  it('the scheduled job writes the carbon points of the last whole hours', async () => {
    const now = BigInt(Date.now()) * 1_000_000n;
    const lines = [100, 70, 40].map(
      (ago, i) =>
        `electricity,device=sched-1,gateway=gw-9 energy_import_wh=${1000 + i * 100}i ${now - BigInt(ago) * MIN}`,
    );
    expect((await influx().write(DB, lines.join('\n'))).status).toBe(204);
    const runs: number[] = [];
    const schedule = startCarbonSchedule({
      connection: conn(),
      config: defaultCarbonConfig(),
      cron: '* * * * * *', // every second, for the test
      lookbackHours: 3,
      onRun: (s) => runs.push(s.pointsWritten),
      onError: (e) => {
        runs.push(-1);
        console.error(e);
      },
    });
    try {
      await waitFor(
        async () => (await influx().rows(`SELECT * FROM ${DB}.hourly.carbon WHERE device = 'sched-1'`)).length > 0,
        'scheduled carbon points',
        30_000,
      );
    } finally {
      await schedule.stop();
    }
    expect(runs).not.toContain(-1);
    expect(runs[0]).toBeGreaterThan(0);
    const points = await influx().rows(`SELECT * FROM ${DB}.hourly.carbon WHERE device = 'sched-1'`);
    expect(points.map((p) => p.energy_wh).reduce((a, b) => Number(a) + Number(b), 0)).toBeGreaterThan(0);
  });

  it('runs as `tidegate carbon compute` and says what it could not convert', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [
      'bin/tidegate.js',
      'carbon',
      'compute',
      '--influx-url',
      influx().url,
      '--database',
      DB,
      '--from',
      String(T0),
      '--to',
      String(at(24 * 60)),
      '--config',
      configFile(CONFIG),
    ]);
    expect(stdout).toContain(': 16 points written');
    expect(stdout).toContain('1 counter reset(s)');
    expect(stdout).toContain('420 Wh across gaps longer than maxGap');
    expect(stdout).toContain('no segment length for road-2/1');
    expect(stdout).toContain('no emission factor for class(es) horse');
  });
});
