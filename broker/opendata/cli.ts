import { type Command, Option } from 'commander';
import type { InfluxConnection } from '../schema/http.js';
import type { OpenDataPeriod, OpenDataResult } from './aggregate.js';

export const OPEN_DATA_PERIODS: readonly OpenDataPeriod[] = ['day', 'month', 'all'];

/** The options of `tidegate export` that only matter with --open-data (added by broker/export/cli.ts). */
export function addOpenDataOptions(command: Command): Command {
  return command
    .option(
      '--open-data',
      'aggregates only: self-data daily energy summed per grid area and period; areas with fewer than 10 meters are refused',
    )
    .option('--cell-size <metres>', 'with --open-data: area size on the INSEE grid, a multiple of 200', '1000')
    .addOption(
      new Option('--period <period>', 'with --open-data: one row per area and day, month or whole range')
        .choices(OPEN_DATA_PERIODS)
        .default('day'),
    )
    .option('--min-contributors <n>', 'with --open-data: refuse areas under this many meters (10 at least)', '10')
    .option('--time-zone <zone>', "with --open-data: the zone of the gateways' local days", 'Europe/Paris');
}

export interface OpenDataCliOptions {
  measurement: string;
  from: string;
  to: string;
  cellSize: string;
  period: OpenDataPeriod;
  minContributors: string;
  timeZone: string;
  format: string;
  rp?: string;
}

/**
 * `tidegate export --open-data`: the table on `output`, and on stderr how many areas were refused.
 * --from and --to are local dates (YYYY-MM-DD), --to excluded.
 */
export async function runOpenDataExport(
  connection: InfluxConnection,
  options: OpenDataCliOptions,
  output: NodeJS.WritableStream,
): Promise<OpenDataResult> {
  if (options.measurement !== 'electricity')
    throw new Error(`--open-data: publishes self-data electricity only, not "${options.measurement}" (-m electricity)`);
  const [{ exportOpenData }, { formatOpenData, summarizeOpenData }] = await Promise.all([
    import('./query.js'),
    import('./format.js'),
  ]);
  if (options.format !== 'csv' && options.format !== 'jsonl')
    throw new Error(`--format: ${options.format} is not available with --open-data (csv or jsonl)`);
  const minContributors = Number(options.minContributors);
  const result = await exportOpenData(connection, {
    from: options.from,
    to: options.to,
    period: options.period,
    cellSize: Number(options.cellSize),
    minContributors,
    timeZone: options.timeZone,
    retentionPolicy: options.rp,
  });
  output.write(formatOpenData(result, options.format));
  process.stderr.write(`tidegate export: ${summarizeOpenData(result, minContributors)}\n`);
  return result;
}

/** The action of `tidegate export --open-data`: connection and output as the export command takes them. */
export async function openDataExportAction(
  options: OpenDataCliOptions & {
    output?: string;
    influxUrl: string;
    database: string;
    username?: string;
    passwordFile?: string;
  },
): Promise<void> {
  const [{ connectionFromOptions }, { createWriteStream }, { finished }] = await Promise.all([
    import('../export/connection.js'),
    import('node:fs'),
    import('node:stream/promises'),
  ]);
  const output = options.output ? createWriteStream(options.output) : process.stdout;
  await runOpenDataExport(connectionFromOptions(options), options, output);
  if (options.output) {
    output.end();
    await finished(output);
  }
}
