import { describe, expect, it } from 'vitest';
import { OpenDataAggregator } from './aggregate.js';
import { areaOf } from './area.js';
import { formatOpenData, summarizeOpenData } from './format.js';

describe('areaOf', () => {
  it('maps a 200 m cell to the coarser cell holding it', () => {
    expect(areaOf('CRS3035RES200mN2624600E3462000', 1000)).toBe('CRS3035RES1000mN2624000E3462000');
    expect(areaOf('CRS3035RES200mN2624600E3462000', 200)).toBe('CRS3035RES200mN2624600E3462000');
  });

  it('refuses what is not a grid cell, or a size the cell does not divide', () => {
    expect(areaOf('46.1547,-1.1532', 1000)).toBeUndefined();
    expect(areaOf('CRS3035RES200mN2624600E3462000', 300)).toBeUndefined();
  });
});

describe('OpenDataAggregator', () => {
  const cell = 'CRS3035RES200mN2624600E3462000';
  const add = (aggregator: OpenDataAggregator, date: string, meters: number, energyWh = 1000) => {
    for (let i = 0; i < meters; i++) aggregator.add({ date, cell, contributor: `m${i}`, energyWh });
  };

  it('counts distinct contributors, not readings, against the floor', () => {
    const aggregator = new OpenDataAggregator({ period: 'all', cellSize: 1000, minContributors: 10 });
    add(aggregator, '2026-06-02', 9);
    add(aggregator, '2026-06-03', 9);
    const result = aggregator.result();
    expect(result.cells).toEqual([]);
    expect(result.refusedCells).toBe(1);
  });

  it('publishes a cell at exactly the floor, with its sum, and leaves out what has no cell', () => {
    const aggregator = new OpenDataAggregator({ period: 'month', cellSize: 1000, minContributors: 10 });
    add(aggregator, '2026-06-02', 10, 250);
    aggregator.add({ date: '2026-06-02', cell: undefined, contributor: 'x', energyWh: 5 });
    const result = aggregator.result();
    expect(result.cells).toEqual([
      { period: '2026-06', area: 'CRS3035RES1000mN2624000E3462000', contributors: 10, energyWh: 2500 },
    ]);
    expect(result.unplaced).toBe(1);
    expect(formatOpenData(result, 'csv')).toBe(
      'period,area,contributors,energy_wh\n2026-06,CRS3035RES1000mN2624000E3462000,10,2500\n',
    );
    expect(summarizeOpenData(result, 10)).toBe(
      'open data: 1 cells published, 0 cells refused (fewer than 10 contributors), 1 daily totals without a grid cell left out',
    );
  });
});
