import { type LatLon, laeaForward, laeaInverse } from './laea.js';

/** The INSEE "carroyage" cell size (Filosofi 200 m squares on ETRS89-LAEA). */
export const INSEE_CELL_M = 200;

export interface CoarseLocation extends LatLon {
  /**
   * The cell's INSEE identifier, `CRS3035RES<size>mN<north>E<east>` with the cell's lower-left
   * corner in EPSG:3035 metres, e.g. `CRS3035RES200mN2999600E3962700`.
   */
  cell: string;
}

/**
 * The centre of the grid cell that holds a location: what a self-data gateway may publish instead
 * of where it is. Coordinates are rounded to 6 decimals (0.1 m), far finer than the cell, so the
 * result says nothing more than the cell.
 */
export function coarsenLocation(location: LatLon, cellSize = INSEE_CELL_M): CoarseLocation {
  const problem = locationProblem(location);
  if (problem) throw new RangeError(problem);
  const { east, north } = laeaForward(location);
  const cellEast = Math.floor(east / cellSize) * cellSize;
  const cellNorth = Math.floor(north / cellSize) * cellSize;
  const centre = laeaInverse({ east: cellEast + cellSize / 2, north: cellNorth + cellSize / 2 });
  return { lat: round6(centre.lat), lon: round6(centre.lon), cell: cellId(cellSize, cellNorth, cellEast) };
}

export function cellId(cellSize: number, north: number, east: number): string {
  return `CRS3035RES${cellSize}mN${north}E${east}`;
}

/** The cell size and lower-left corner in an INSEE cell identifier, or undefined when it is not one. */
export function parseCellId(id: string): { size: number; north: number; east: number } | undefined {
  const match = /^CRS3035RES(\d+)mN(\d+)E(\d+)$/.exec(id);
  if (!match) return undefined;
  return { size: Number(match[1]), north: Number(match[2]), east: Number(match[3]) };
}

export function locationProblem({ lat, lon }: LatLon): string | undefined {
  if (!Number.isFinite(lat) || lat < -90 || lat > 90) return `latitude ${lat} is not between -90 and 90`;
  if (!Number.isFinite(lon) || lon < -180 || lon > 180) return `longitude ${lon} is not between -180 and 180`;
  return undefined;
}

function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
