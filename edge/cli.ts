import { type Command, InvalidArgumentError, Option } from 'commander';
import { parseDuration } from './config/units.js';

/** A duration option: "5s", "500ms", "2m"; a bare number is milliseconds. */
export function duration(value: string): number {
  const ms = /^\d+$/.test(value.trim()) ? Number(value) : parseDuration(value);
  if (!ms) throw new InvalidArgumentError('a duration such as 5s, 500ms or 2m');
  return ms;
}

function timeoutOption(description: string): Option {
  return new Option('-t, --timeout <duration>', `${description} (5s, 500ms)`)
    .argParser(duration)
    .default(10_000, '10s');
}

/** Gateway-side commands: edge, check, init, probe, ports. Heavy modules load inside each action. */
export function registerEdgeCommands(program: Command): void {
  program
    .command('edge')
    .description('run the gateway agent (drivers → privacy → buffer → MQTT) until SIGTERM')
    .requiredOption('-c, --config <file>', 'gateway config (YAML)')
    .option(
      '--once',
      'read every device once, print line protocol and a summary, publish nothing (like telegraf --test)',
    )
    .addOption(timeoutOption('with --once: how long to wait for each device'))
    .action(async (options: { config: string; once?: boolean; timeout: number }) => {
      if (options.once) {
        const { onceCommand } = await import('./commands/once.js');
        process.exit(await onceCommand(options.config, options.timeout));
      }
      const { edgeCommand } = await import('./commands/edge.js');
      // Exit explicitly once flushed: a lingering handle (a loader thread, a socket in TIME_WAIT) must
      // not keep a stopping service alive until systemd kills it.
      process.exit(await edgeCommand(options.config));
    });

  program
    .command('check')
    .description('validate a gateway config: every problem with file, line, key and a hint')
    .argument('[file]', 'gateway config (YAML)')
    .option('-c, --config <file>', 'gateway config (YAML), as the other commands take it')
    .action(async (file: string | undefined, options: { config?: string }) => {
      const { checkCommand } = await import('./commands/check.js');
      const config = file ?? options.config;
      if (!config) throw new InvalidArgumentError('which config? tidegate check FILE (or -c FILE)');
      process.exitCode = await checkCommand(config);
    });

  program
    .command('init')
    .description('write a commented starter gateway config')
    .argument('[file]', 'where to write it', 'gateway.yaml')
    .option('-f, --force', 'overwrite an existing file')
    .action(async (file: string, options: { force?: boolean }) => {
      const { initCommand } = await import('./commands/init.js');
      process.exitCode = initCommand(file, options.force ?? false);
    });

  program
    .command('probe')
    .description('read one device once through its driver and print its readings as line protocol')
    .requiredOption('-c, --config <file>', 'gateway config (YAML)')
    .requiredOption('-d, --device <id>', 'device id in the config')
    .addOption(timeoutOption('how long to wait for a reading'))
    .action(async (options: { config: string; device: string; timeout: number }) => {
      const { probeCommand } = await import('./commands/probe.js');
      process.exitCode = await probeCommand(options.config, options.device, options.timeout);
      process.exit();
    });

  program
    .command('ports')
    .description('list the serial ports of this machine')
    .action(async () => {
      const { portsCommand } = await import('./commands/ports.js');
      process.exitCode = await portsCommand();
    });
}
