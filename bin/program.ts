import { Command, CommanderError } from 'commander';
import { version } from '../wire/version.js';

/**
 * Runs the `tidegate` command line with the commands `register` adds: bin/cli.ts adds every folder's,
 * bin/edge-cli.ts (the gateway's bundle) only the gateway's.
 */
export function runProgram(register: (program: Command) => void): void {
  const program = new Command('tidegate')
    .description('Collects sensor readings at the edge and delivers them, whole and anonymised, to InfluxDB.')
    .version(version, '-V, --version')
    .showHelpAfterError()
    .enablePositionalOptions();

  exitWithParent();
  quietOnClosedPipe();
  register(program);

  program.parseAsync(process.argv).catch((e: unknown) => {
    // Sub-commands parsed with exitOverride (simulate DRIVER) throw after printing their help.
    if (e instanceof CommanderError && (e.code === 'commander.helpDisplayed' || e.code === 'commander.version')) {
      process.exitCode = 0;
    } else if (e instanceof CommanderError) {
      process.exitCode = e.exitCode || 1;
    } else {
      process.stderr.write(`tidegate: ${(e as Error).message}\n`);
      process.exitCode = process.exitCode || 1;
    }
  });
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
