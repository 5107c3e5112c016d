import { quoteIdent } from '../influxdb/influxql.js';
import { type InfluxConnection, query } from '../schema/http.js';
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
 * Hourly energy and kgCO2e of every `electricity` series over [fromNs, toNs). The index read is
 * `energy_import_wh` when the series has it (tariff tag `total`); otherwise each per-tariff index
 * `energy_<tariff>_wh` separately (tariff tag `<tariff>`), so summing `carbon` never counts a kWh twice.
 * `energy_export_wh` (energy sent to the grid) is not consumption and is left out.
 */
export async function electricityCarbon(
  connection: InfluxConnection,
  range: { fromNs: bigint; toNs: bigint },
  options: { maxGapNs: bigint; intensity: Intensity },
): Promise<ElectricityResult> {
  const db = quoteIdent(connection.database);
  // Read a gap's width on both sides so intervals crossing the range's edges are split correctly.
  const [result] = await query(
    connection,
    `SELECT /^energy_.*_wh$/ FROM ${db}."raw"."electricity" WHERE time >= ${range.fromNs - options.maxGapNs} ` +
      `AND time < ${range.toNs + options.maxGapNs} GROUP BY *`,
  );
  const out: ElectricityResult = { points: [], series: 0, resets: 0, unattributedWh: 0 };
  for (const series of result?.series ?? []) {
    out.series++;
    const tariffs = series.columns
      .map((c, i) => ({ field: c, index: i, tariff: /^energy_(.+)_wh$/.exec(c)?.[1] }))
      .filter(
        (c): c is { field: string; index: number; tariff: string } => c.tariff !== undefined && c.tariff !== 'export',
      );
    const values = series.values ?? [];
    const hasImport = tariffs.some((t) => t.tariff === 'import' && values.some((v) => v[t.index] !== null));
    const used = hasImport
      ? tariffs.filter((t) => t.tariff === 'import')
      : tariffs.filter((t) => t.tariff !== 'import');
    for (const t of used) {
      const samples: CounterSample[] = [];
      for (const v of values) {
        if (v[t.index] === null || v[t.index] === undefined) continue;
        samples.push({ timeNs: BigInt(v[0] as string | number), value: Number(v[t.index]) });
      }
      const periods = energyPerPeriod(samples, { periodNs: HOUR_NS, maxGapNs: options.maxGapNs });
      for (const p of periods.values()) {
        if (p.startNs < range.fromNs || p.startNs >= range.toNs) continue;
        const { gCo2ePerKwh, source } = options.intensity(p.startNs);
        out.resets += p.resets;
        out.unattributedWh += p.unattributedWh;
        out.points.push({
          measurement: 'carbon',
          tags: { ...nonEmptyTags(series.tags), sector: 'electricity', tariff: hasImport ? 'total' : t.tariff },
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
  return out;
}
