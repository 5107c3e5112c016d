import { quoteIdent } from '../influxdb/influxql.js';
import type { InfluxConnection } from '../schema/http.js';
import { queryRows } from '../schema/http.js';
import { type AggregateOptions, MIN_CONTRIBUTORS, OpenDataAggregator, type OpenDataResult } from './aggregate.js';

export interface OpenDataExportOptions extends Omit<AggregateOptions, 'rangeLabel'> {
  /** First local date included, YYYY-MM-DD. */
  from: string;
  /** First local date excluded, YYYY-MM-DD. */
  to: string;
  /** The zone of the gateways' local days (their daily totals start at local midnight). */
  timeZone: string;
  /** Retention policy holding the daily totals (the database's default when omitted). */
  retentionPolicy?: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;
/** Points are fetched a month at a time, so memory follows the number of meters, not the range. */
const WINDOW_MS = 31 * DAY_MS;

/** The first problem with the options, naming the option. */
export function openDataOptionsProblem(options: OpenDataExportOptions): string | undefined {
  for (const key of ['from', 'to'] as const) {
    if (!DATE.test(options[key]) || Number.isNaN(Date.parse(`${options[key]}T00:00:00Z`)))
      return `--${key}: "${options[key]}" is not a date (YYYY-MM-DD)`;
  }
  if (options.from >= options.to) return `--to: ${options.to} is not after --from ${options.from}`;
  if (!Number.isInteger(options.cellSize) || options.cellSize <= 0 || options.cellSize % 200 !== 0)
    return `--cell-size: ${options.cellSize} is not a positive multiple of 200 (metres, the INSEE grid)`;
  if (!Number.isInteger(options.minContributors) || options.minContributors < MIN_CONTRIBUTORS)
    return `--min-contributors: ${options.minContributors} is below ${MIN_CONTRIBUTORS}, the floor for local energy data`;
  try {
    new Intl.DateTimeFormat('en-CA', { timeZone: options.timeZone });
  } catch {
    return `--time-zone: "${options.timeZone}" is not a known time zone`;
  }
  return undefined;
}

/**
 * Reads the self-data daily totals (`electricity`, `granularity = daily`, field `energy_wh`) from
 * InfluxDB and aggregates them into open-data cells, refusing every cell under the contributor floor.
 */
export async function exportOpenData(
  connection: InfluxConnection,
  options: OpenDataExportOptions,
): Promise<OpenDataResult> {
  const problem = openDataOptionsProblem(options);
  if (problem) throw new Error(problem);
  const aggregator = new OpenDataAggregator({ ...options, rangeLabel: `${options.from}..${options.to}` });
  const localDate = new Intl.DateTimeFormat('en-CA', {
    timeZone: options.timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
  const source = options.retentionPolicy ? `${quoteIdent(options.retentionPolicy)}."electricity"` : '"electricity"';
  // A day's local midnight lies within a day of its UTC midnight: fetch a margin, keep by local date.
  const start = Date.parse(`${options.from}T00:00:00Z`) - DAY_MS;
  const end = Date.parse(`${options.to}T00:00:00Z`) + DAY_MS;
  for (let windowStart = start; windowStart < end; windowStart += WINDOW_MS) {
    const windowEnd = Math.min(end, windowStart + WINDOW_MS);
    const rows = await queryRows(
      connection,
      `SELECT "energy_wh" FROM ${source} WHERE "granularity" = 'daily' AND time >= ${windowStart}ms AND time < ${windowEnd}ms GROUP BY "cell", "meter", "gateway", "device"`,
    );
    for (const { tags, row } of rows) {
      const energy = Number(row.energy_wh);
      if (row.energy_wh === null || !Number.isFinite(energy)) continue;
      const date = localDate.format(Number(BigInt(String(row.time)) / 1_000_000n));
      if (date < options.from || date >= options.to) continue;
      aggregator.add({
        date,
        cell: tags.cell || undefined,
        contributor: tags.meter ? `meter:${tags.meter}` : `device:${tags.gateway ?? ''}/${tags.device ?? ''}`,
        energyWh: energy,
      });
    }
  }
  return aggregator.result();
}
