import { startAgent } from '../agent/agent.js';
import { loadConfig } from '../config/load.js';
import { formatProblem } from '../config/problems.js';

/** `tidegate edge --config F`: runs the agent until SIGTERM or SIGINT, then flushes and exits 0. */
export async function edgeCommand(file: string): Promise<number> {
  const result = await loadConfig(file);
  if (!result.ok) {
    for (const problem of result.problems) process.stderr.write(`${formatProblem(problem)}\n`);
    process.stderr.write(`${file}: not started (${result.problems.length} problem(s); see tidegate check)\n`);
    return 2;
  }
  const agent = await startAgent(result.value);
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  await agent.stop();
  return 0;
}
