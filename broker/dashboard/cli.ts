import type { Command } from 'commander';

/** Commands: watch. */
export function registerDashboardCommands(program: Command): void {
  program
    .command('watch')
    .description(
      'the live feed of gateways, devices and events in a terminal (password from --password-file or TIDEGATE_PASSWORD)',
    )
    .option(
      '--url <url>',
      'broker URL (env TIDEGATE_MQTT_URL)',
      process.env.TIDEGATE_MQTT_URL ?? 'mqtt://127.0.0.1:1883',
    )
    .option('-u, --username <name>', 'operator account (env TIDEGATE_USERNAME)')
    .option('--password-file <file>', 'file whose first line is the password (else env TIDEGATE_PASSWORD)')
    .option('-g, --gateway <id>', 'only this gateway')
    .option('-d, --device <id>', 'only this device of --gateway')
    .option('--prefix <prefix>', 'topic prefix', 'tidegate')
    .option('-n, --count <n>', 'stop after this many readings', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new Error(`--count must be a positive integer, not "${v}"`);
      return n;
    })
    .option('--no-color', 'no terminal colours')
    .action(async (options) => {
      const { runWatch } = await import('./watch/run.js');
      const result = await runWatch(options);
      if (result.unreadable > 0) process.stderr.write(`tidegate watch: ${result.unreadable} unreadable message(s)\n`);
    });
}
