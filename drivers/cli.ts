import { Command } from 'commander';
import { encodeLine } from '../wire/line-protocol/encode.js';
import { nowNs } from '../wire/reading.js';
import { DRIVER_NAMES, loadDriver } from './registry.js';

/** Device-side commands: decode (bytes on stdin → line protocol) and simulate (a device on a port). */
export function registerDriverCommands(program: Command): void {
  program
    .command('decode')
    .description('raw device bytes on stdin → line protocol on stdout, each rejected frame on stderr with its reason')
    .argument('<driver>', `one of: ${DRIVER_NAMES.join(', ')}`)
    .option('--mode <mode>', 'protocol mode, when the driver has several (teleinfo: historique | standard)')
    .option('--device <id>', 'device id for the readings', 'stdin')
    .action(async (name: string, options: { mode?: string; device: string }) => {
      process.exitCode = await decodeStdin(name, options);
    });

  program
    .command('simulate')
    .description('run a device simulator on a serial port or TCP (tidegate simulate DRIVER --help)')
    .argument('<driver>', `one of: ${DRIVER_NAMES.join(', ')}`)
    .allowUnknownOption()
    .helpOption(false)
    .argument('[options...]')
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

async function decodeStdin(name: string, options: { mode?: string; device: string }): Promise<number> {
  const { decoder } = await loadDriver(name);
  if (!decoder) throw new Error(`driver "${name}" has no stream decoder`);
  if (options.mode && decoder.modes && !decoder.modes.includes(options.mode))
    throw new Error(`driver "${name}" has no mode "${options.mode}" (modes: ${decoder.modes.join(', ')})`);
  let readings = 0;
  let rejected = 0;
  const stream = decoder.create(
    { mode: options.mode, deviceId: options.device, now: nowNs },
    {
      reading(reading) {
        readings++;
        const { identifiers: _identifiers, ...plain } = reading;
        process.stdout.write(`${encodeLine(plain)}\n`);
      },
      rejected(reason, detail) {
        rejected++;
        process.stderr.write(`rejected: ${reason}${detail ? `: ${detail}` : ''}\n`);
      },
      state() {},
    },
  );
  for await (const chunk of process.stdin) stream.push(chunk as Buffer);
  stream.end();
  process.stderr.write(`${readings} readings, ${rejected} rejected\n`);
  return 0;
}
