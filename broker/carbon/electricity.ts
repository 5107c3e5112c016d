import { quoteIdent } from '../influxdb/influxql.js';
import { type InfluxConnection, type QuerySeries, query } from '../schema/http.js';
import { type CounterSample, energyPerPeriod } from './counters.js';
import { type CarbonPoint, type Intensity, nonEmptyTags } from './types.js';

const HOUR_NS = 3_600_000_000_000n;

export interface ElectricityResult {
  points: CarbonPoint[];
  series: number;
  resets: number;
  unattributedWh: number;
}

/**
 * Hourly energy and kgCO2e of every `electricity` series over [fromNs, toNs), from one of two sources per
 * device (gateway/device), the finest available:
 * 1. cumulative indexes (raw readings): `energy_import_wh` when the series has it (tariff tag `total`);
 *    otherwise one family of per-tariff indexes, each separately (tariff tag `<tariff>`): supplier
 *    `energy_easf*_wh`, else distributor `energy_easd*_wh`, else all others. So summing `carbon` never
 *    counts a kWh twice. `energy_export_wh` (sent to the grid) is not consumption.
 * 2. self-data aggregates (docs/privacy.md, tag `granularity`): `energy_wh` of each half-hour, summed per
 *    hour; or of each local day, one point at the day's start (its intensity the mean over the day).
 */
export async function electricityCarbon(
  connection: InfluxConnection,
  range: { fromNs: bigint; toNs: bigint },
  options: { maxGapNs: bigint; intensity: Intensity },
): Promise<ElectricityResult> {
  const db = quoteIdent(connection.database);
  const out: ElectricityResult = { points: [], series: 0, resets: 0, unattributedWh: 0 };
  // Read a gap's width on both sides so intervals crossing the range's edges are split correctly.
  const [indexes] = await query(
    connection,
    `SELECT /^energy_.*_wh$/ FROM ${db}."raw"."electricity" WHERE time >= ${range.fromNs - options.maxGapNs} ` +
      `AND time < ${range.toNs + options.maxGapNs} GROUP BY *`,
  );
  const fromIndexes = new Set<string>();
  for (const series of indexes?.series ?? []) {
    const before = out.points.length;
    fromIndexes.add(deviceKey(series));
    indexSeriesCarbon(series, range, options, out);
    if (out.points.length > before) out.series++;
  }

  const [aggregates] = await query(
    connection,
    `SELECT "energy_wh", "period_s" FROM ${db}."raw"."electricity" WHERE "granularity" =~ /./ ` +
      `AND time >= ${range.fromNs} AND time < ${range.toNs} GROUP BY *`,
  );
  const halfHourly = new Set(
    (aggregates?.series ?? []).filter((s) => s.tags?.granularity === 'half-hourly').map(deviceKey),
  );
  for (const series of aggregates?.series ?? []) {
    const key = deviceKey(series);
    if (fromIndexes.has(key)) continue;
    const granularity = series.tags?.granularity;
    if (granularity === 'daily' && halfHourly.has(key)) continue;
    if (granularity !== 'daily' && granularity !== 'half-hourly') continue;
    out.series++;
    aggregateSeriesCarbon(series, granularity, options.intensity, out);
  }
  return out;
}

function deviceKey(series: QuerySeries): string {
  return `${series.tags?.gateway ?? ''}/${series.tags?.device ?? ''}`;
}

function indexSeriesCarbon(
  series: QuerySeries,
  range: { fromNs: bigint; toNs: bigint },
  options: { maxGapNs: bigint; intensity: Intensity },
  out: ElectricityResult,
): void {
  const values = series.values ?? [];
  const present = (index: number) => values.some((v) => v[index] !== null && v[index] !== undefined);
  const indexes = series.columns
    .map((field, index) => ({ index, tariff: /^energy_(.+)_wh$/.exec(field)?.[1] }))
    .filter((c): c is { index: number; tariff: string } => c.tariff !== undefined && c.tariff !== 'export')
    .filter((c) => present(c.index));
  const total = indexes.filter((c) => c.tariff === 'import');
  const supplier = indexes.filter((c) => /^easf\d+$/.test(c.tariff));
  const distributor = indexes.filter((c) => /^easd\d+$/.test(c.tariff));
  const used = total.length
    ? total
    : supplier.length
      ? supplier
      : distributor.length
        ? distributor
        : indexes.filter((c) => c.tariff !== 'import');

  for (const column of used) {
    const samples: CounterSample[] = [];
    for (const v of values) {
      if (v[column.index] === null || v[column.index] === undefined) continue;
      samples.push({ timeNs: BigInt(v[0] as string | number), value: Number(v[column.index]) });
    }
    const periods = energyPerPeriod(samples, { periodNs: HOUR_NS, maxGapNs: options.maxGapNs });
    for (const p of periods.values()) {
      if (p.startNs < range.fromNs || p.startNs >= range.toNs) continue;
      const { gCo2ePerKwh, source } = options.intensity(p.startNs);
      out.resets += p.resets;
      out.unattributedWh += p.unattributedWh;
      out.points.push({
        measurement: 'carbon',
        tags: { ...nonEmptyTags(series.tags), sector: 'electricity', tariff: total.length ? 'total' : column.tariff },
        fields: {
          energy_wh: p.energyWh,
          unattributed_wh: p.unattributedWh,
          resets: BigInt(p.resets),
          co2e_kg: (p.energyWh / 1000) * (gCo2ePerKwh / 1000),
          intensity_gco2e_kwh: gCo2ePerKwh,
          factor_source: source,
        },
        time: p.startNs,
      });
    }
  }
}

function aggregateSeriesCarbon(
  series: QuerySeries,
  granularity: 'daily' | 'half-hourly',
  intensity: Intensity,
  out: ElectricityResult,
): void {
  const energyAt = series.columns.indexOf('energy_wh');
  const periodAt = series.columns.indexOf('period_s');
  const byTime = new Map<bigint, { energyWh: number; gCo2ePerKwh: number; source: string }>();
  for (const v of series.values ?? []) {
    if (v[energyAt] === null || v[energyAt] === undefined) continue;
    const t = BigInt(v[0] as string | number);
    const energyWh = Number(v[energyAt]);
    if (granularity === 'half-hourly') {
      const hour = t - (((t % HOUR_NS) + HOUR_NS) % HOUR_NS);
      const slot = byTime.get(hour) ?? { energyWh: 0, ...intensityOf(intensity(hour)) };
      slot.energyWh += energyWh;
      byTime.set(hour, slot);
    } else {
      // A local day (23, 24 or 25 h): the mean intensity of its hours.
      const hours = Math.max(1, Math.round(Number(v[periodAt] ?? 86_400) / 3600));
      const samples = Array.from({ length: hours }, (_, i) => intensity(t + BigInt(i) * HOUR_NS));
      const mean = samples.reduce((sum, s) => sum + s.gCo2ePerKwh, 0) / samples.length;
      const sources = [...new Set(samples.map((s) => s.source))];
      byTime.set(t, { energyWh, gCo2ePerKwh: mean, source: sources.join(' + ') });
    }
  }
  for (const [time, slot] of byTime) {
    out.points.push({
      measurement: 'carbon',
      tags: { ...nonEmptyTags(series.tags), sector: 'electricity', tariff: 'total' },
      fields: {
        energy_wh: slot.energyWh,
        unattributed_wh: 0,
        resets: 0n,
        co2e_kg: (slot.energyWh / 1000) * (slot.gCo2ePerKwh / 1000),
        intensity_gco2e_kwh: slot.gCo2ePerKwh,
        factor_source: slot.source,
      },
      time,
    });
  }
}

function intensityOf(i: { gCo2ePerKwh: number; source: string }) {
  return { gCo2ePerKwh: i.gCo2ePerKwh, source: i.source };
}
