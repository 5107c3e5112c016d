import { Command } from 'commander';
import type { Reading } from '../wire/reading.js';
import { DRIVER_NAMES, loadDriver } from './registry.js';

interface DecodeCliOptions {
  mode?: string;
  hex?: boolean;
  device: string;
  pseudonymise?: boolean;
  keyFile?: string;
}

/** What the device-side commands borrow from the gateway side, given by bin/cli.ts (drivers/ imports no edge/). */
export interface DriverCommandHooks {
  /** A function replacing a reading's identifiers by keyed pseudonyms, with the key of `keyFile` or a key for this run. */
  pseudonymiser?: (keyFile?: string) => Promise<(reading: Reading) => Reading>;
}

/** Device-side commands: decode (bytes on stdin → line protocol) and simulate (a device on a port). */
export function registerDriverCommands(program: Command, hooks: DriverCommandHooks = {}): void {
  program
    .command('decode')
    .description(
      'raw device bytes (stdin or FILE) → line protocol on stdout, each rejected frame on stderr with its reason',
    )
    .argument('<driver>', `one of: ${DRIVER_NAMES.join(', ')}`)
    .argument('[file]', "a capture: raw bytes, or hex text when it ends in .hex (the drivers' testdata)")
    .option('--mode <mode>', 'protocol mode, when the driver has several (teleinfo: historique | standard)')
    .option('--hex', 'the input is hex text, # starts a comment (automatic for a .hex file)')
    .option('--device <id>', 'device id for the readings', 'stdin')
    .option('--pseudonymise', 'print identifiers (meter, serial) as keyed pseudonyms, never in clear')
    .option(
      '--key-file <file>',
      'with --pseudonymise: the gateway key, for the pseudonyms it publishes (default: a key for this run)',
    )
    .action(async (name: string, file: string | undefined, options: DecodeCliOptions) => {
      const { decodeCommand } = await import('./decode.js');
      const pseudonymise = options.pseudonymise ? await hooks.pseudonymiser?.(options.keyFile) : undefined;
      if (options.pseudonymise && !pseudonymise) throw new Error('--pseudonymise is not available here');
      process.exitCode = await decodeCommand(name, file, { ...options, pseudonymise });
    });

  program
    .command('simulate')
    .description('run a device simulator on a serial port or TCP (tidegate simulate DRIVER --help)')
    .argument('<driver>', `one of: ${DRIVER_NAMES.join(', ')}`)
    .argument('[options...]', "the simulator's options: tidegate simulate DRIVER --help")
    .allowUnknownOption()
    .passThroughOptions()
    .action(async (name: string, args: string[]) => {
      const { simulator } = await loadDriver(name);
      if (!simulator) throw new Error(`driver "${name}" has no simulator`);
      const command = new Command(`tidegate simulate ${name}`).exitOverride();
      simulator.describe(command);
      command.parse(args, { from: 'user' });
      const controller = new AbortController();
      const stop = () => controller.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      await simulator.run(command.opts(), controller.signal);
    });
}
