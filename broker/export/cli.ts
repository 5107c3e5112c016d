import { type Command, Option } from 'commander';
import { registerCarbonCommands } from '../carbon/cli.js';
import { addOpenDataOptions, openDataExportAction } from '../opendata/cli.js';
import { addInfluxOptions, connectionFromOptions } from './connection.js';
import { AGGREGATE_FUNCTIONS, EXPORT_FORMATS, type ExportRequest, parseWhere } from './request.js';

/** Commands: export, and carbon (broker/carbon/cli.ts), the analysts' side of the platform. */
export function registerExportCommands(program: Command): void {
  const command = program
    .command('export')
    .description('stream a measurement out of InfluxDB as CSV, JSON lines or line protocol, raw or aggregated')
    .requiredOption('-m, --measurement <name>', 'measurement, e.g. air_quality, electricity, traffic, carbon')
    .requiredOption('--from <time>', 'start, inclusive: 2026-01-31, 2026-01-31T08:00:00+01:00, now-7d')
    .option('--to <time>', 'end, exclusive', 'now')
    .option('--fields <list>', 'comma-separated field keys (default: all)')
    .option(
      '--where <tag=value>',
      'keep rows with this tag value; repeat (same tag: any of, different tags: all of)',
      collect,
      [],
    )
    .option('--every <duration>', 'aggregate over steps of this duration (1h, 1d, 6m)')
    .addOption(
      new Option('--fn <function>', 'aggregate function with --every').choices(AGGREGATE_FUNCTIONS).default('mean'),
    )
    .option('--group-by <tags>', 'with --every: comma-separated tags kept (default: all; "" for none)')
    .option('--rp <policy>', 'retention policy: raw, hourly, daily (default: the database default, raw)')
    .addOption(new Option('--format <format>', 'output format').choices(EXPORT_FORMATS).default('csv'))
    .option('--chunk <duration>', 'time covered by each query', '1d')
    .option('-o, --output <file>', 'write here instead of stdout')
    .option('--no-progress', 'no progress bar, even on a terminal');
  // Options that hand the export to another module (e.g. --open-data → broker/opendata/) are added here.
  addInfluxOptions(addOpenDataOptions(command)).action(async (options) => {
    if (options.openData) return openDataExportAction(options);
    const [{ parseTime }, { exportMeasurement }, { createProgress }, { createWriteStream }, { finished }] =
      await Promise.all([
        import('./time.js'),
        import('./export.js'),
        import('./progress.js'),
        import('node:fs'),
        import('node:stream/promises'),
      ]);
    const fromNs = parseTime(options.from, '--from');
    const toNs = parseTime(options.to, '--to');
    const request: ExportRequest = {
      measurement: options.measurement,
      retentionPolicy: options.rp,
      fields: options.fields ? splitList(options.fields) : undefined,
      where: (options.where as string[]).map(parseWhere),
      fromNs,
      toNs,
      every: options.every,
      fn: options.fn,
      groupBy: options.groupBy === undefined ? undefined : splitList(options.groupBy),
      format: options.format,
      chunk: options.chunk,
    };
    if (request.every === undefined && options.groupBy !== undefined) throw new Error('--group-by needs --every');
    const output = options.output ? createWriteStream(options.output) : process.stdout;
    const progress = options.progress ? createProgress(fromNs, toNs) : { update() {}, finish() {} };
    let summary: { rows: number };
    try {
      summary = await exportMeasurement(connectionFromOptions(options), request, output, { progress });
    } catch (e) {
      // `tidegate export … | head`: the reader has what it wanted; that is not a failure.
      if ((e as NodeJS.ErrnoException).code === 'EPIPE') return;
      throw e;
    }
    if (options.output) {
      output.end();
      await finished(output);
      process.stderr.write(`tidegate export: ${summary.rows} rows written to ${options.output}\n`);
    }
  });
  registerCarbonCommands(program);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function splitList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
