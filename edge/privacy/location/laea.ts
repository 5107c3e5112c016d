/**
 * Lambert Azimuthal Equal Area on the GRS80 ellipsoid, as ETRS89-LAEA (EPSG:3035): latitude of
 * origin 52°N, longitude of origin 10°E, false easting 4 321 000 m, false northing 3 210 000 m.
 * Formulas of IOGP Guidance Note 7-2, method 9820; the inverse refines the note's authalic-latitude
 * series with Newton steps, so a round trip is exact to well under a millimetre.
 */

export interface LatLon {
  lat: number;
  lon: number;
}

export interface EastNorth {
  east: number;
  north: number;
}

const A = 6_378_137;
const F = 1 / 298.257222101;
const E2 = 2 * F - F * F;
const E = Math.sqrt(E2);
const LAT0 = rad(52);
const LON0 = rad(10);
const FALSE_EASTING = 4_321_000;
const FALSE_NORTHING = 3_210_000;

function rad(degrees: number): number {
  return (degrees * Math.PI) / 180;
}

function deg(radians: number): number {
  return (radians * 180) / Math.PI;
}

function q(phi: number): number {
  const s = Math.sin(phi);
  return (1 - E2) * (s / (1 - E2 * s * s) - (1 / (2 * E)) * Math.log((1 - E * s) / (1 + E * s)));
}

const QP = q(Math.PI / 2);
const BETA0 = Math.asin(q(LAT0) / QP);
const RQ = A * Math.sqrt(QP / 2);
const D = (A * (Math.cos(LAT0) / Math.sqrt(1 - E2 * Math.sin(LAT0) ** 2))) / (RQ * Math.cos(BETA0));

/** Geographic ETRS89 coordinates (degrees) to EPSG:3035 metres. */
export function laeaForward({ lat, lon }: LatLon): EastNorth {
  const beta = Math.asin(q(rad(lat)) / QP);
  const dLon = rad(lon) - LON0;
  const b =
    RQ * Math.sqrt(2 / (1 + Math.sin(BETA0) * Math.sin(beta) + Math.cos(BETA0) * Math.cos(beta) * Math.cos(dLon)));
  return {
    east: FALSE_EASTING + b * D * Math.cos(beta) * Math.sin(dLon),
    north:
      FALSE_NORTHING + (b / D) * (Math.cos(BETA0) * Math.sin(beta) - Math.sin(BETA0) * Math.cos(beta) * Math.cos(dLon)),
  };
}

/** EPSG:3035 metres to geographic ETRS89 coordinates (degrees). */
export function laeaInverse({ east, north }: EastNorth): LatLon {
  const x = east - FALSE_EASTING;
  const y = north - FALSE_NORTHING;
  const rho = Math.sqrt((x / D) ** 2 + (D * y) ** 2);
  if (rho === 0) return { lat: deg(LAT0), lon: deg(LON0) };
  const c = 2 * Math.asin(rho / (2 * RQ));
  const beta = Math.asin(Math.cos(c) * Math.sin(BETA0) + (D * y * Math.sin(c) * Math.cos(BETA0)) / rho);
  const lon =
    LON0 +
    Math.atan2(x * Math.sin(c), D * rho * Math.cos(BETA0) * Math.cos(c) - D * D * y * Math.sin(BETA0) * Math.sin(c));
  const e4 = E2 * E2;
  const e6 = e4 * E2;
  const series =
    beta +
    (E2 / 3 + (31 * e4) / 180 + (517 * e6) / 5040) * Math.sin(2 * beta) +
    ((23 * e4) / 360 + (251 * e6) / 3780) * Math.sin(4 * beta) +
    ((761 * e6) / 45360) * Math.sin(6 * beta);
  return { lat: deg(refineLatitude(series, QP * Math.sin(beta))), lon: deg(lon) };
}

/** Newton steps on q(φ) = target (Snyder, Map Projections, eq. 3-16), from the series' estimate. */
function refineLatitude(estimate: number, target: number): number {
  let phi = estimate;
  for (let i = 0; i < 3; i++) {
    const s = Math.sin(phi);
    const w = 1 - E2 * s * s;
    if (Math.abs(Math.cos(phi)) < 1e-12) break;
    phi +=
      ((w * w) / (2 * Math.cos(phi))) *
      (target / (1 - E2) - s / w + (1 / (2 * E)) * Math.log((1 - E * s) / (1 + E * s)));
  }
  return phi;
}
