/**
 * Default emission factors. Every one is configurable (carbon config file); docs/data.md states where each
 * comes from and how sure we are of it. Check them against the current ADEME base before publishing a
 * "bilan carbone": the bases are revised every year.
 */
export interface ElectricityFactor {
  /** gCO2e per kWh consumed. */
  gCo2ePerKwh: number;
  source: string;
}

export const DEFAULT_ELECTRICITY_FACTOR: ElectricityFactor = {
  gCo2ePerKwh: 52,
  source: 'ADEME Base Empreinte, "Electricité - 2022 - mix moyen - consommation", France continentale',
};

/**
 * kgCO2e per vehicle-km by vehicle class (combustion and upstream fuel, fleet averages), keyed by the
 * lowercased `class` tag of `traffic`. French counting classes (SIREDO: VL, PL, 2R) and English names both
 * map here. A class not in the table is not converted: it is counted and reported, never guessed.
 */
export const DEFAULT_VEHICLE_FACTORS: Record<string, number> = {
  car: 0.218,
  vl: 0.218,
  light: 0.218,
  van: 0.281,
  lgv: 0.281,
  vul: 0.281,
  truck: 0.964,
  hgv: 0.964,
  heavy: 0.964,
  pl: 0.964,
  bus: 1.2,
  coach: 1.2,
  tc: 1.2,
  motorcycle: 0.165,
  '2r': 0.165,
  bicycle: 0,
  bike: 0,
};

export const VEHICLE_FACTORS_SOURCE =
  'ADEME Base Carbone, road transport per vehicle-km: car "motorisation moyenne", light commercial vehicle, ' +
  'heavy goods vehicle fleet average, urban bus, motorcycle';
