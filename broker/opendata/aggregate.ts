import { areaOf } from './area.js';

/** One contributor's energy over one local day, as read back from InfluxDB. */
export interface Contribution {
  /** Local date, YYYY-MM-DD. */
  date: string;
  /** The 200 m cell the contributor's gateway is in (`cell` tag), if any. */
  cell: string | undefined;
  /** Who contributed: the meter pseudonym, else gateway/device. */
  contributor: string;
  energyWh: number;
}

export type OpenDataPeriod = 'day' | 'month' | 'all';

export interface OpenDataCell {
  /** The local date (day), YYYY-MM (month), or `from..to` (all). */
  period: string;
  area: string;
  contributors: number;
  energyWh: number;
}

export interface OpenDataResult {
  cells: OpenDataCell[];
  /** Cells refused because fewer than `minContributors` distinct contributors fed them. */
  refusedCells: number;
  /** Contributions that could not be placed (no or malformed `cell` tag): never published. */
  unplaced: number;
}

export interface AggregateOptions {
  period: OpenDataPeriod;
  /** Area cell size in metres, a multiple of 200. */
  cellSize: number;
  /** The rule for local energy data (décret 2020-196): at least 10 distinct delivery points. */
  minContributors: number;
  /** Label of the `all` period. */
  rangeLabel?: string;
}

export const MIN_CONTRIBUTORS = 10;

/**
 * Sums contributions per (period, area) and keeps only the cells with at least `minContributors`
 * distinct contributors: a refused cell is counted, never published in part.
 */
export class OpenDataAggregator {
  private readonly groups = new Map<string, { period: string; area: string; who: Set<string>; energyWh: number }>();
  private unplaced = 0;

  constructor(private readonly options: AggregateOptions) {}

  add(contribution: Contribution): void {
    const area = contribution.cell ? areaOf(contribution.cell, this.options.cellSize) : undefined;
    if (!area) {
      this.unplaced++;
      return;
    }
    const period = periodLabel(contribution.date, this.options);
    const key = `${period} ${area}`;
    let group = this.groups.get(key);
    if (!group) {
      group = { period, area, who: new Set(), energyWh: 0 };
      this.groups.set(key, group);
    }
    group.who.add(contribution.contributor);
    group.energyWh += contribution.energyWh;
  }

  result(): OpenDataResult {
    const cells: OpenDataCell[] = [];
    let refusedCells = 0;
    for (const group of this.groups.values()) {
      if (group.who.size < this.options.minContributors) refusedCells++;
      else
        cells.push({ period: group.period, area: group.area, contributors: group.who.size, energyWh: group.energyWh });
    }
    cells.sort((a, b) => a.period.localeCompare(b.period) || a.area.localeCompare(b.area));
    return { cells, refusedCells, unplaced: this.unplaced };
  }
}

function periodLabel(date: string, options: AggregateOptions): string {
  if (options.period === 'day') return date;
  if (options.period === 'month') return date.slice(0, 7);
  return options.rangeLabel ?? 'all';
}
