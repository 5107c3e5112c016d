import { Command, CommanderError } from 'commander';
import { registerBrokerCommands } from '../broker/cli.js';
import { registerDriverCommands } from '../drivers/cli.js';
import { registerEdgeCommands } from '../edge/cli.js';
import { version } from '../wire/version.js';
import { registerDemoCommand } from './demo.js';

/** One entry, many commands: each folder registers its own; this file only dispatches. */
const program = new Command('tidegate')
  .description('Collects sensor readings at the edge and delivers them, whole and anonymised, to InfluxDB.')
  .version(version, '-V, --version')
  .showHelpAfterError()
  .enablePositionalOptions();

exitWithParent();
quietOnClosedPipe();
registerEdgeCommands(program);
registerDriverCommands(program, {
  pseudonymiser: async (keyFile) => (await import('../edge/commands/pseudonymiser.js')).pseudonymiser(keyFile),
});
registerBrokerCommands(program);
registerDemoCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  // Sub-commands parsed with exitOverride (simulate DRIVER) throw after printing their help.
  if (e instanceof CommanderError && (e.code === 'commander.helpDisplayed' || e.code === 'commander.version')) {
    process.exitCode = 0;
  } else if (e instanceof CommanderError) {
    process.exitCode = e.exitCode || 1;
  } else {
    process.stderr.write(`tidegate: ${(e as Error).message}\n`);
    process.exitCode = process.exitCode || 1;
  }
}

/**
 * A process started by `tidegate demo` (TIDEGATE_PARENT_PID set) ends when the demo is gone, even when
 * the demo was killed without a chance to stop it: no simulator or gateway is left running alone.
 */
function exitWithParent(): void {
  const parent = Number(process.env.TIDEGATE_PARENT_PID);
  if (!parent) return;
  setInterval(() => {
    try {
      process.kill(parent, 0);
    } catch {
      process.kill(process.pid, 'SIGTERM');
    }
  }, 1_000).unref();
}

/**
 * `tidegate decode … | head`, `tidegate watch | head`: when the reader goes away, stop quietly (as `cat`
 * does) instead of crashing on EPIPE.
 */
function quietOnClosedPipe(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
}
