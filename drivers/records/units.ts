/**
 * Units a partner may report a value in, by dimension, as a factor to the dimension's base unit. A field
 * name ends with its unit (`mass_kg`, `energy_wh`): a source `unit` of the same dimension is converted to it.
 */
const DIMENSIONS: Record<string, Record<string, number>> = {
  mass: { g: 1e-3, kg: 1, t: 1e3, kt: 1e6 },
  energy: { wh: 1, kwh: 1e3, mwh: 1e6, gwh: 1e9 },
  power: { w: 1, kw: 1e3, mw: 1e6, gw: 1e9 },
  volume: { l: 1, m3: 1e3 },
  co2e: { gco2e: 1e-3, kgco2e: 1, tco2e: 1e3 },
  distance: { m: 1, km: 1e3 },
};

function dimensionOf(unit: string): [string, number] | undefined {
  for (const [dimension, units] of Object.entries(DIMENSIONS)) {
    const factor = units[unit.toLowerCase()];
    if (factor !== undefined) return [dimension, factor];
  }
  return undefined;
}

/** The unit a field name ends with (`mass_kg` → `kg`), when it is one of the known units. */
export function fieldUnit(field: string): string | undefined {
  const suffix = field.split('_').at(-1);
  return suffix && dimensionOf(suffix) ? suffix : undefined;
}

/** The factor from `unit` to the unit of `field`, or a problem saying why there is none. */
export function conversionFactor(unit: string, field: string): { factor: number } | { problem: string } {
  const from = dimensionOf(unit);
  if (!from) return { problem: `unknown unit "${unit}" (known: ${knownUnits().join(', ')})` };
  const target = fieldUnit(field);
  const to = target ? dimensionOf(target) : undefined;
  if (!to || !target)
    return { problem: `field "${field}" does not end with a unit of ${from[0]} (e.g. ${field}_kg): cannot convert` };
  if (to[0] !== from[0]) return { problem: `unit "${unit}" measures ${from[0]}, field "${field}" holds ${to[0]}` };
  return { factor: from[1] / to[1] };
}

export function knownUnits(): string[] {
  return Object.values(DIMENSIONS).flatMap((units) => Object.keys(units));
}
