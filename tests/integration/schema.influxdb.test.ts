import { describe, expect, it } from 'vitest';
import { backfillRollups, ensureSchema, type InfluxConnection } from '../../broker/schema/index.js';
import { useInflux } from '../harness/index.js';

const influx = useInflux();
const DB = 'tidegate';
const conn = (): InfluxConnection => ({ url: influx().url, database: DB });

const DAY_MS = 86_400_000;
// Midnight UTC ten days ago: inside the raw retention policy, whatever today is.
const T0 = BigInt(Math.floor(Date.now() / DAY_MS - 10) * DAY_MS) * 1_000_000n;
const MIN = 60_000_000_000n;
const at = (minutes: number) => T0 + BigInt(minutes) * MIN;

/**
 * A small synthetic day. Air quality: three readings in hour 0, one in hour 1, none in hour 2 (a gap),
 * two in hour 3. Electricity: an index that resets between hour 1 and hour 3. Traffic: 6-minute counts.
 */
const LINES = [
  ...[
    [0, 10],
    [20, 20],
    [40, 30],
    [70, 40],
    [190, 5],
    [230, 15],
  ].map(
    ([m, v]) =>
      `air_quality,device=pm-1,gateway=gw-1,sensor=sds011 pm1_ugm3=${v! / 2},pm2_5_ugm3=${v},pm10_ugm3=${v! * 2} ${at(m!)}`,
  ),
  // partner data: two monthly reports of one company's cardboard (the catalogue makes mass_kg an amount)
  `material_flow,device=drop-1,gateway=gw-1,stream=packaging,material=cardboard,partner=p1,direction=out mass_kg=120.5 ${at(0)}`,
  `material_flow,device=drop-1,gateway=gw-1,stream=packaging,material=cardboard,partner=p1,direction=out mass_kg=80 ${at(10)}`,
  ...[
    [0, 1000, 200],
    [30, 1100, 400],
    [60, 1250, 300],
    [90, 1300, 100],
    // the meter was replaced: its index starts again near zero
    [180, 20, 50],
    [210, 80, 150],
  ].map(
    ([m, wh, w]) =>
      `electricity,device=meter-1,gateway=gw-1,meter=m-abc active_power_w=${w},energy_import_wh=${wh}i ${at(m!)}`,
  ),
  // a self-data meter's half-hourly aggregates (docs/privacy.md)
  `electricity,device=linky-h,gateway=gw-4,granularity=half-hourly energy_wh=40i,energy_import_kwh=12i,mean_power_w=80 ${at(0)}`,
  `electricity,device=linky-h,gateway=gw-4,granularity=half-hourly energy_wh=30i,energy_import_kwh=12i,mean_power_w=60 ${at(30)}`,
  ...[
    [0, 12],
    [6, 8],
    [12, 10],
    [66, 30],
  ].map(
    ([m, n]) => `traffic,class=car,device=road-1,direction=in,gateway=gw-1,lane=1 count=${n}i,period_s=360i ${at(m!)}`,
  ),
].join('\n');

describe('InfluxDB schema: retention policies, continuous queries, rollups', () => {
  it('creates raw (default), hourly and daily policies and one continuous query per rollup', async () => {
    const report = await ensureSchema({ ...conn(), retention: { raw: '90d' } });
    expect(report.retentionPolicies.created).toEqual(['raw', 'hourly', 'daily']);
    const rps = await influx().rows(`SHOW RETENTION POLICIES ON ${DB}`);
    const byName = Object.fromEntries(rps.map((r) => [r.name, r]));
    expect(byName.raw).toMatchObject({ duration: '2160h0m0s', default: true });
    expect(byName.hourly).toMatchObject({ duration: '17472h0m0s', default: false });
    expect(byName.daily).toMatchObject({ duration: '0s', default: false });

    const cqs = (await influx().query('SHOW CONTINUOUS QUERIES')).results[0]?.series?.find((s) => s.name === DB);
    const names = cqs?.values.map((v) => v[0]).sort();
    expect(names).toEqual([
      'cq_daily_air_quality',
      'cq_daily_carbon',
      'cq_daily_electricity',
      'cq_daily_material_flow',
      'cq_daily_occupancy',
      'cq_daily_partner_metric',
      'cq_daily_traffic',
      'cq_hourly_air_quality',
      'cq_hourly_electricity',
      'cq_hourly_material_flow',
      'cq_hourly_occupancy',
      'cq_hourly_partner_metric',
      'cq_hourly_traffic',
    ]);
    expect(String(cqs?.values.find((v) => v[0] === 'cq_hourly_traffic')?.[1])).toContain('RESAMPLE EVERY 15m FOR 3h');
  });

  it('is idempotent: a second run changes nothing and does not fail; a new duration is altered', async () => {
    const before = await influx().query('SHOW CONTINUOUS QUERIES');
    const again = await ensureSchema(conn());
    expect(again).toEqual({
      retentionPolicies: { created: [], altered: [] },
      continuousQueries: { created: [], replaced: [] },
    });
    expect(await influx().query('SHOW CONTINUOUS QUERIES')).toEqual(before);

    const longer = await ensureSchema({ ...conn(), retention: { raw: '120d' } });
    expect(longer.retentionPolicies.altered).toEqual(['raw']);
    const raw = (await influx().rows(`SHOW RETENTION POLICIES ON ${DB}`)).find((r) => r.name === 'raw');
    expect(raw).toMatchObject({ duration: '2880h0m0s', default: true });
  });

  it('names the key of a bad retention duration', async () => {
    await expect(ensureSchema({ ...conn(), retention: { hourly: '2 years' } })).rejects.toThrow(
      'retention.hourly: "2 years" is not an InfluxQL duration',
    );
  });

  it('backfills hourly and daily rollups that match values computed by hand', async () => {
    const res = await influx().write(DB, LINES); // no rp: the default, raw
    expect(res.status, res.body).toBe(204);
    const result = await backfillRollups(conn(), { fromNs: T0, toNs: at(24 * 60) });
    expect(result.pointsWritten).toBeGreaterThan(0);

    const aq = await influx().rows(`SELECT * FROM ${DB}.hourly.air_quality`);
    expect(
      aq.map((r) => [
        Number(BigInt(r.time as string) - T0) / 60e9,
        r.mean_pm2_5_ugm3,
        r.min_pm2_5_ugm3,
        r.max_pm2_5_ugm3,
      ]),
    ).toEqual([
      [0, 20, 10, 30], // (10+20+30)/3
      [60, 40, 40, 40],
      // hour 2: no readings, no point (fill(none))
      [180, 10, 5, 15], // (5+15)/2
    ]);
    expect(aq[0]).toMatchObject({
      device: 'pm-1',
      gateway: 'gw-1',
      sensor: 'sds011',
      mean_pm10_ugm3: 40,
      mean_pm1_ugm3: 10,
    });
    const flows = await influx().rows(`SELECT * FROM ${DB}.daily.material_flow`);
    expect(flows).toMatchObject([{ sum_mass_kg: 200.5, material: 'cardboard', direction: 'out' }]);

    const aqDay = await influx().rows(`SELECT * FROM ${DB}.daily.air_quality`);
    expect(aqDay).toHaveLength(1);
    // the daily mean is the mean of the six readings, not of the three hourly means
    expect(aqDay[0]).toMatchObject({ mean_pm2_5_ugm3: 20, min_pm2_5_ugm3: 5, max_pm2_5_ugm3: 40 });

    const el = await influx().rows(`SELECT * FROM ${DB}.hourly.electricity WHERE device = 'meter-1'`);
    expect(
      el.map((r) => [
        Number(BigInt(r.time as string) - T0) / 60e9,
        r.mean_active_power_w,
        r.last_energy_import_wh,
        r.max_energy_import_wh,
      ]),
    ).toEqual([
      [0, 300, 1100, 1100],
      [60, 200, 1300, 1300],
      [180, 100, 80, 80], // after the reset
    ]);
    expect(el[0]).not.toHaveProperty('mean_energy_import_wh');
    const elDay = await influx().rows(`SELECT * FROM ${DB}.daily.electricity WHERE device = 'meter-1'`);
    expect(elDay[0]).toMatchObject({ last_energy_import_wh: 80, max_energy_import_wh: 1300, max_active_power_w: 400 });

    const selfData = await influx().rows(`SELECT * FROM ${DB}.hourly.electricity WHERE device = 'linky-h'`);
    expect(selfData).toHaveLength(1);
    // period energies add up, means are averaged, kWh indexes keep their last value
    expect(selfData[0]).toMatchObject({ sum_energy_wh: 70, mean_mean_power_w: 70, last_energy_import_kwh: 12 });

    const tr = await influx().rows(`SELECT * FROM ${DB}.hourly.traffic`);
    expect(tr.map((r) => [Number(BigInt(r.time as string) - T0) / 60e9, r.sum_count, r.sum_period_s])).toEqual([
      [0, 30, 1080],
      [60, 30, 360],
    ]);
    const types = await influx().rows(`SHOW FIELD KEYS FROM ${DB}.hourly.traffic`);
    expect(types.find((t) => t.fieldKey === 'sum_count')?.fieldType).toBe('integer');
  });

  it('backfilling the same range twice leaves the same points', async () => {
    const before = await influx().query(`SELECT * FROM ${DB}.hourly.electricity`);
    await backfillRollups(conn(), { fromNs: T0, toNs: at(24 * 60) });
    expect(await influx().query(`SELECT * FROM ${DB}.hourly.electricity`)).toEqual(before);
  });
});
