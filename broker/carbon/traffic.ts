import { quoteIdent } from '../influxdb/influxql.js';
import { type InfluxConnection, query } from '../schema/http.js';
import { type CarbonPoint, nonEmptyTags } from './types.js';

export interface TrafficResult {
  points: CarbonPoint[];
  /** device or device/lane with counts but no segment length: not converted. */
  missingSegments: string[];
  /** class tags with no emission factor: not converted. */
  unknownClasses: string[];
  vehiclesSkipped: number;
}

/**
 * Vehicle-km and kgCO2e per hour, lane and class: the vehicles counted in the hour (sum of `count` of the
 * periods whose timestamp falls in it) × the length of road the counter stands for × the class's factor.
 * The segment length is looked up as `device/lane`, then `device`.
 */
export async function trafficCarbon(
  connection: InfluxConnection,
  range: { fromNs: bigint; toNs: bigint },
  options: {
    segmentsKm: Record<string, number>;
    classes: Record<string, string>;
    factors: Record<string, number>;
    factorsSource: string;
  },
): Promise<TrafficResult> {
  const db = quoteIdent(connection.database);
  const [result] = await query(
    connection,
    `SELECT sum("count") AS vehicles FROM ${db}."raw"."traffic" WHERE time >= ${range.fromNs} AND time < ${range.toNs} ` +
      'GROUP BY time(1h), * fill(none)',
  );
  const out: TrafficResult = { points: [], missingSegments: [], unknownClasses: [], vehiclesSkipped: 0 };
  const missing = new Set<string>();
  const unknown = new Set<string>();
  for (const series of result?.series ?? []) {
    const tags = nonEmptyTags(series.tags);
    const device = tags.device ?? '';
    const lane = tags.lane;
    const km = (lane !== undefined ? options.segmentsKm[`${device}/${lane}`] : undefined) ?? options.segmentsKm[device];
    const cls = (options.classes[tags.class ?? ''] ?? tags.class ?? '').toLowerCase();
    const factor = options.factors[cls];
    for (const [time, vehicles] of series.values ?? []) {
      if (vehicles === null || vehicles === undefined) continue;
      const n = Number(vehicles);
      if (km === undefined || factor === undefined) {
        if (km === undefined) missing.add(lane !== undefined ? `${device}/${lane}` : device);
        if (factor === undefined) unknown.add(tags.class ?? '(no class tag)');
        out.vehiclesSkipped += n;
        continue;
      }
      const vehicleKm = n * km;
      out.points.push({
        measurement: 'carbon',
        tags: { ...tags, sector: 'road_traffic' },
        fields: {
          vehicles: BigInt(n),
          vehicle_km: vehicleKm,
          co2e_kg: vehicleKm * factor,
          factor_kgco2e_vkm: factor,
          factor_source: options.factorsSource,
        },
        time: BigInt(time as string | number),
      });
    }
  }
  out.missingSegments = [...missing].sort();
  out.unknownClasses = [...unknown].sort();
  return out;
}
