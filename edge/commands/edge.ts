import { type Agent, startAgent } from '../agent/agent.js';
import { loadConfig } from '../config/load.js';
import { formatProblem } from '../config/problems.js';
import { createLogger } from '../health/logger.js';

/**
 * `tidegate edge --config F`: runs the agent until SIGTERM or SIGINT, then flushes and exits 0.
 * SIGHUP re-reads the config: a valid one restarts the agent with it (config_reloaded event); an
 * invalid one is logged with its problems and the agent keeps running on the old one.
 */
export async function edgeCommand(file: string): Promise<number> {
  const result = await loadConfig(file);
  if (!result.ok) {
    for (const problem of result.problems) process.stderr.write(`${formatProblem(problem)}\n`);
    process.stderr.write(`${file}: not started (${result.problems.length} problem(s); see tidegate check)\n`);
    return 2;
  }
  let agent: Agent | undefined;
  let reloading = Promise.resolve();
  // Registered before the agent starts: an early SIGHUP must not kill the process (its default action).
  process.on('SIGHUP', () => {
    reloading = reloading.then(async () => {
      const next = await loadConfig(file);
      if (!next.ok) {
        const log = createLogger('warn', 'tidegate');
        log.error({ problems: next.problems.map(formatProblem) }, 'config not reloaded: it has problems');
        return;
      }
      await agent?.stop();
      agent = await startAgent(next.value, { reloaded: true });
    });
  });
  agent = await startAgent(result.value);
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  await reloading;
  await agent?.stop();
  return 0;
}
