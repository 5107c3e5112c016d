/**
 * The unit of a field, read from its name's suffix (`pm2_5_ugm3` → µg/m³): field names carry their
 * unit by the project's naming rule `<quantity>[_<phase>]_<unit>`. Longest suffix first, so that
 * `_kwh` is not read as `_wh` nor `_veh_h` as `_h`.
 */
const SUFFIXES: ReadonlyArray<readonly [string, string]> = [
  ['_veh_h', 'veh/h'],
  ['_ugm3', 'µg/m³'],
  ['_mgm3', 'mg/m³'],
  ['_kvarh', 'kvarh'],
  ['_varh', 'varh'],
  ['_kwh', 'kWh'],
  ['_kmh', 'km/h'],
  ['_hpa', 'hPa'],
  ['_ppm', 'ppm'],
  ['_ppb', 'ppb'],
  ['_pct', '%'],
  ['_lux', 'lx'],
  ['_kva', 'kVA'],
  ['_km', 'km'],
  ['_kg', 'kg'],
  ['_var', 'var'],
  ['_wh', 'Wh'],
  ['_kw', 'kW'],
  ['_va', 'VA'],
  ['_hz', 'Hz'],
  ['_m', 'm'],
  ['_ms', 'm/s'],
  ['_db', 'dB'],
  ['_mm', 'mm'],
  ['_w', 'W'],
  ['_v', 'V'],
  ['_a', 'A'],
  ['_c', '°C'],
  ['_s', 's'],
];

export function unitOf(field: string): string {
  for (const [suffix, unit] of SUFFIXES) {
    if (field.length > suffix.length && field.endsWith(suffix)) return unit;
  }
  return '';
}
