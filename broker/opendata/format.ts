import type { OpenDataResult } from './aggregate.js';

export type OpenDataFormat = 'csv' | 'jsonl';

/** The published table: one row per (period, area) that passed the contributor floor. */
export function formatOpenData(result: OpenDataResult, format: OpenDataFormat): string {
  if (format === 'jsonl') return result.cells.map((c) => `${JSON.stringify(c)}\n`).join('');
  const lines = ['period,area,contributors,energy_wh'];
  for (const c of result.cells) lines.push(`${c.period},${c.area},${c.contributors},${Math.round(c.energyWh)}`);
  return `${lines.join('\n')}\n`;
}

/** What was left out and why, for stderr: never a contributor, only counts. */
export function summarizeOpenData(result: OpenDataResult, minContributors: number): string {
  const parts = [
    `open data: ${result.cells.length} cells published`,
    `${result.refusedCells} cells refused (fewer than ${minContributors} contributors)`,
  ];
  if (result.unplaced) parts.push(`${result.unplaced} daily totals without a grid cell left out`);
  return parts.join(', ');
}
