import type { Command } from 'commander';
import { addInfluxOptions, connectionFromOptions } from '../export/connection.js';
import type { CarbonSummary } from './compute.js';

/** Commands: carbon compute (a range, by hand), carbon schedule (the hourly job, runs until stopped). */
export function registerCarbonCommands(program: Command): void {
  const carbon = program
    .command('carbon')
    .description('carbon indicators (kgCO2e) from electricity indexes and traffic counts');

  addInfluxOptions(
    carbon
      .command('compute')
      .description('compute and write the carbon points of a time range (idempotent: reruns overwrite)')
      .requiredOption('--from <time>', 'start: 2026-01-01, now-30d')
      .option('--to <time>', 'end, exclusive', 'now')
      .option('-c, --config <file>', 'carbon config (YAML): factors, segment lengths, maxGap, intensityCsv')
      .option('--intensity-csv <file>', 'RTE éCO2mix file: hourly intensity instead of the fixed factor'),
  ).action(async (options) => {
    const [{ parseTime }, { computeCarbon }, config, { loadIntensityCsv }] = await Promise.all([
      import('../export/time.js'),
      import('./compute.js'),
      import('./config.js'),
      import('./intensity-csv.js'),
    ]);
    const settings = options.config ? config.loadCarbonConfig(options.config) : config.defaultCarbonConfig();
    const csv = options.intensityCsv ?? settings.electricity.intensityCsv;
    const summary = await computeCarbon(connectionFromOptions(options), {
      fromNs: parseTime(options.from, '--from'),
      toNs: parseTime(options.to, '--to'),
      config: settings,
      intensitySeries: csv ? loadIntensityCsv(csv) : undefined,
    });
    process.stdout.write(describe(summary));
  });

  addInfluxOptions(
    carbon
      .command('schedule')
      .description('run the carbon job on a schedule until stopped (Ctrl-C)')
      .option('-c, --config <file>', 'carbon config (YAML)')
      .option('--cron <expression>', 'when to run (five fields, minutes first)', '7 * * * *')
      .option('--lookback <hours>', 'whole hours recomputed on each run', '48'),
  ).action(async (options) => {
    const [{ startCarbonSchedule }, config] = await Promise.all([import('./schedule.js'), import('./config.js')]);
    const settings = options.config ? config.loadCarbonConfig(options.config) : config.defaultCarbonConfig();
    const lookbackHours = Number(options.lookback);
    if (!Number.isInteger(lookbackHours) || lookbackHours <= 0) throw new Error('--lookback: a whole number of hours');
    const schedule = startCarbonSchedule({
      connection: connectionFromOptions(options),
      config: settings,
      cron: options.cron,
      lookbackHours,
      onRun: (s) => process.stdout.write(describe(s)),
      onError: (e) => process.stderr.write(`tidegate carbon: ${e.message}\n`),
    });
    process.stderr.write(`tidegate carbon: scheduled "${options.cron}", ${lookbackHours} h recomputed each run\n`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await schedule.stop();
  });
}

function describe(s: CarbonSummary): string {
  const lines = [
    `carbon ${new Date(Number(s.fromNs / 1_000_000n)).toISOString()} → ${new Date(Number(s.toNs / 1_000_000n)).toISOString()}: ${s.pointsWritten} points written`,
  ];
  if (s.counterResets) lines.push(`  ${s.counterResets} counter reset(s): those intervals count no energy`);
  if (s.unattributedWh)
    lines.push(`  ${s.unattributedWh} Wh across gaps longer than maxGap: not attributed to any hour`);
  if (s.hoursOnDefaultFactor)
    lines.push(`  ${s.hoursOnDefaultFactor} meter-hour(s) outside the intensity series used the fixed factor`);
  if (s.missingSegments.length)
    lines.push(`  no segment length for ${s.missingSegments.join(', ')}: ${s.vehiclesSkipped} vehicles not converted`);
  if (s.unknownClasses.length)
    lines.push(`  no emission factor for class(es) ${s.unknownClasses.join(', ')}: not converted`);
  return `${lines.join('\n')}\n`;
}
