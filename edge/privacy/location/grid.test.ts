import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coarsenLocation, parseCellId } from './grid.js';
import { laeaForward, laeaInverse } from './laea.js';

describe('ETRS89-LAEA (EPSG:3035)', () => {
  it('matches the IOGP Guidance Note 7-2 example (50°N 5°E → E 3962799.45, N 2999718.85)', () => {
    const { east, north } = laeaForward({ lat: 50, lon: 5 });
    expect(east).toBeCloseTo(3962799.45, 2);
    expect(north).toBeCloseTo(2999718.85, 2);
  });

  it('inverse ∘ forward is the identity within a millimetre over Europe', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 27, max: 71, noNaN: true }),
        fc.double({ min: -30, max: 45, noNaN: true }),
        (lat, lon) => {
          const back = laeaInverse(laeaForward({ lat, lon }));
          const there = laeaForward(back);
          const here = laeaForward({ lat, lon });
          expect(Math.hypot(there.east - here.east, there.north - here.north)).toBeLessThan(0.001);
        },
      ),
    );
  });
});

describe('coarsenLocation', () => {
  it('gives the centre of the 200 m INSEE cell and its identifier', () => {
    const coarse = coarsenLocation({ lat: 46.1547, lon: -1.1532 });
    expect(coarse.cell).toBe('CRS3035RES200mN2624600E3462000');
    const centre = laeaForward(coarse);
    expect(centre.east).toBeCloseTo(3462100, 0);
    expect(centre.north).toBeCloseTo(2624700, 0);
  });

  it('maps every point of a cell to the same centre, at most 142 m away (half the diagonal)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 43, max: 50, noNaN: true }),
        fc.double({ min: -4, max: 7, noNaN: true }),
        (lat, lon) => {
          const coarse = coarsenLocation({ lat, lon });
          const cell = parseCellId(coarse.cell)!;
          const here = laeaForward({ lat, lon });
          expect(here.east - cell.east).toBeGreaterThanOrEqual(0);
          expect(here.east - cell.east).toBeLessThan(200);
          expect(here.north - cell.north).toBeGreaterThanOrEqual(0);
          expect(here.north - cell.north).toBeLessThan(200);
          const centre = laeaForward(coarse);
          expect(Math.hypot(centre.east - here.east, centre.north - here.north)).toBeLessThan(141.5);
          expect(coarsenLocation(coarse)).toEqual(coarse);
        },
      ),
    );
  });

  it('refuses coordinates that are not on Earth', () => {
    expect(() => coarsenLocation({ lat: 91, lon: 0 })).toThrow(/latitude 91/);
    expect(() => coarsenLocation({ lat: 0, lon: Number.NaN })).toThrow(/longitude NaN/);
  });
});
