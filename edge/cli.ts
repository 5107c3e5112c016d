import type { Command } from 'commander';

/** Gateway-side commands: edge, check, init, probe, ports. Heavy modules load inside each action. */
export function registerEdgeCommands(program: Command): void {
  program
    .command('edge')
    .description('run the gateway agent (drivers → privacy → buffer → MQTT) until SIGTERM')
    .requiredOption('-c, --config <file>', 'gateway config (YAML)')
    .action(async (options: { config: string }) => {
      const { edgeCommand } = await import('./commands/edge.js');
      // Exit explicitly once flushed: a lingering handle (a loader thread, a socket in TIME_WAIT) must
      // not keep a stopping service alive until systemd kills it.
      process.exit(await edgeCommand(options.config));
    });

  program
    .command('check')
    .description('validate a gateway config: every problem with file, line, key and a hint')
    .argument('<file>', 'gateway config (YAML)')
    .action(async (file: string) => {
      const { checkCommand } = await import('./commands/check.js');
      process.exitCode = await checkCommand(file);
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
    .option('--timeout <ms>', 'how long to wait for a reading', '10000')
    .action(async (options: { config: string; device: string; timeout: string }) => {
      const { probeCommand } = await import('./commands/probe.js');
      process.exitCode = await probeCommand(options.config, options.device, Number(options.timeout));
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
