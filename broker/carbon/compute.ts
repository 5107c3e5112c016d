import { encodeLines } from '../../wire/index.js';
import { backfillRollups } from '../schema/backfill.js';
import { type InfluxConnection, writeLines } from '../schema/http.js';
import { durationNs } from '../schema/retention.js';
import { type CarbonConfig, vehicleFactors } from './config.js';
import { electricityCarbon } from './electricity.js';
import { VEHICLE_FACTORS_SOURCE } from './factors.js';
import type { IntensitySeries } from './intensity-csv.js';
import { trafficCarbon } from './traffic.js';
import type { Intensity } from './types.js';

const HOUR_NS = 3_600_000_000_000n;
const DAY_NS = 24n * HOUR_NS;

export interface CarbonSummary {
  fromNs: bigint;
  toNs: bigint;
  pointsWritten: number;
  electricitySeries: number;
  counterResets: number;
  /** Energy across gaps longer than maxGap: known to be used, but not when; not converted. */
  unattributedWh: number;
  /** Hours whose intensity came from the default factor because the series had no value for them. */
  hoursOnDefaultFactor: number;
  missingSegments: string[];
  unknownClasses: string[];
  vehiclesSkipped: number;
}

/**
 * Computes the `carbon` points of whole hours in [fromNs, toNs) and writes them to the `hourly` retention
 * policy, one day at a time (bounded memory), then refreshes the daily carbon rollup of those days. The
 * same data gives the same points (series and hour start), so running it again overwrites, never adds.
 */
export async function computeCarbon(
  connection: InfluxConnection,
  options: { fromNs: bigint; toNs: bigint; config: CarbonConfig; intensitySeries?: IntensitySeries },
): Promise<CarbonSummary> {
  const fromNs = options.fromNs - (((options.fromNs % HOUR_NS) + HOUR_NS) % HOUR_NS);
  const toNs = options.toNs;
  const { config } = options;
  const maxGapNs = durationNs(config.electricity.maxGap, 'electricity.maxGap');
  const summary: CarbonSummary = {
    fromNs,
    toNs,
    pointsWritten: 0,
    electricitySeries: 0,
    counterResets: 0,
    unattributedWh: 0,
    hoursOnDefaultFactor: 0,
    missingSegments: [],
    unknownClasses: [],
    vehiclesSkipped: 0,
  };
  const fallback = { gCo2ePerKwh: config.electricity.factorGCo2ePerKwh, source: config.electricity.factorSource };
  const series = options.intensitySeries;
  const intensity: Intensity = (hourStartNs) => {
    const value = series?.hourly.get(Number(hourStartNs / 1_000_000n));
    if (value !== undefined) return { gCo2ePerKwh: value, source: series!.source };
    if (series) summary.hoursOnDefaultFactor++;
    return fallback;
  };
  const factors = vehicleFactors(config);
  const missing = new Set<string>();
  const unknown = new Set<string>();

  for (let start = fromNs; start < toNs; start += DAY_NS) {
    const end = start + DAY_NS < toNs ? start + DAY_NS : toNs;
    const range = { fromNs: start, toNs: end };
    const electricity = await electricityCarbon(connection, range, { maxGapNs, intensity });
    const traffic = await trafficCarbon(connection, range, {
      segmentsKm: config.traffic.segmentsKm,
      classes: config.traffic.classes,
      factors,
      factorsSource: VEHICLE_FACTORS_SOURCE,
    });
    const points = [...electricity.points, ...traffic.points];
    await writeLines(connection, encodeLines(points), { retentionPolicy: 'hourly' });
    summary.pointsWritten += points.length;
    summary.electricitySeries = Math.max(summary.electricitySeries, electricity.series);
    summary.counterResets += electricity.resets;
    summary.unattributedWh += electricity.unattributedWh;
    summary.vehiclesSkipped += traffic.vehiclesSkipped;
    for (const m of traffic.missingSegments) missing.add(m);
    for (const c of traffic.unknownClasses) unknown.add(c);
  }
  summary.missingSegments = [...missing].sort();
  summary.unknownClasses = [...unknown].sort();
  await backfillRollups(connection, { fromNs, toNs, measurements: ['carbon'], levels: ['daily'] });
  return summary;
}
