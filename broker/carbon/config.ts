import { readFileSync } from 'node:fs';
import { isMap, LineCounter, parseDocument } from 'yaml';
import * as z from 'zod';
import { durationNs } from '../schema/retention.js';
import { DEFAULT_ELECTRICITY_FACTOR, DEFAULT_VEHICLE_FACTORS } from './factors.js';

/**
 * The carbon job's settings, from a YAML file (every key optional):
 *
 *   electricity:
 *     factorGCo2ePerKwh: 52          # used for hours the intensity series does not cover
 *     factorSource: "ADEME Base Empreinte …"
 *     intensityCsv: /var/lib/tidegate/eco2mix.csv   # RTE éCO2mix; hourly intensity instead of the factor
 *     maxGap: 2h                     # longer gaps between index readings get no energy
 *   traffic:
 *     segmentsKm: { road-d937: 0.85, road-d937/2: 0.9 }   # device, or device/lane, → km counted per vehicle
 *     factorsKgCo2ePerVehicleKm: { car: 0.218 }           # merged over the defaults
 *     classes: { "1": car, "2": lgv, "3": hgv }           # class tag value → factor name
 */
export const carbonConfigSchema = z
  .object({
    electricity: z
      .object({
        factorGCo2ePerKwh: z.number().nonnegative().default(DEFAULT_ELECTRICITY_FACTOR.gCo2ePerKwh),
        factorSource: z.string().default(DEFAULT_ELECTRICITY_FACTOR.source),
        intensityCsv: z.string().optional(),
        maxGap: z
          .string()
          .default('2h')
          .refine((s) => safeDuration(s) > 0n, 'must be an InfluxQL duration such as 2h or 90m'),
      })
      .strict()
      .prefault({}),
    traffic: z
      .object({
        segmentsKm: z.record(z.string(), z.number().positive()).default({}),
        factorsKgCo2ePerVehicleKm: z.record(z.string(), z.number().nonnegative()).default({}),
        /** class tag value → factor name, for counters that number their classes: { "1": car, "3": hgv } */
        classes: z.record(z.string(), z.string()).default({}),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type CarbonConfig = z.output<typeof carbonConfigSchema>;

function safeDuration(s: string): bigint {
  try {
    return durationNs(s);
  } catch {
    return 0n;
  }
}

export function defaultCarbonConfig(): CarbonConfig {
  return carbonConfigSchema.parse({});
}

/** Vehicle factors in use: the defaults, overridden by the config, keys lowercased. */
export function vehicleFactors(config: CarbonConfig): Record<string, number> {
  const out = { ...DEFAULT_VEHICLE_FACTORS };
  for (const [k, v] of Object.entries(config.traffic.factorsKgCo2ePerVehicleKm)) out[k.toLowerCase()] = v;
  return out;
}

/** Reads a carbon config file; a wrong key or value is reported with the file, line and key path. */
export function loadCarbonConfig(path: string): CarbonConfig {
  const text = readFileSync(path, 'utf8');
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new Error(`${path}:${e.linePos?.[0]?.line ?? '?'}: ${e.message}`);
  }
  const result = carbonConfigSchema.safeParse(doc.toJS() ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path_ = issue.path.map(String);
  // Point at the deepest node of the path that exists in the file.
  let line: number | undefined;
  for (let n = path_.length; n > 0 && line === undefined; n--) {
    const node = doc.getIn(path_.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    const parent = n > 1 ? doc.getIn(path_.slice(0, n - 1), true) : doc.contents;
    const pair = isMap(parent)
      ? parent.items.find((p) => String((p.key as { value?: unknown })?.value) === path_[n - 1])
      : undefined;
    const range = (pair?.key as { range?: [number, number, number] } | undefined)?.range ?? node?.range;
    if (range) line = lineCounter.linePos(range[0]).line;
  }
  throw new Error(`${path}:${line ?? 1}: ${path_.join('.') || '(top)'}: ${issue.message}`);
}
