/**
 * Area cells of the open-data export: squares of the INSEE grid (ETRS89-LAEA, EPSG:3035) of a chosen
 * size, made of the 200 m cells gateways tag their self-data readings with
 * (`CRS3035RES200mN<north>E<east>`, lower-left corner in metres).
 */

const CELL_ID = /^CRS3035RES(\d+)mN(\d+)E(\d+)$/;

export function parseCellId(id: string): { size: number; north: number; east: number } | undefined {
  const match = CELL_ID.exec(id);
  if (!match) return undefined;
  return { size: Number(match[1]), north: Number(match[2]), east: Number(match[3]) };
}

/** The id of the `size`-metre cell holding a finer cell, or undefined when the id is not a grid cell or is coarser. */
export function areaOf(cellId: string, size: number): string | undefined {
  const cell = parseCellId(cellId);
  if (!cell || size % cell.size !== 0) return undefined;
  const north = Math.floor(cell.north / size) * size;
  const east = Math.floor(cell.east / size) * size;
  return `CRS3035RES${size}mN${north}E${east}`;
}
