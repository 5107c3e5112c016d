import { loadConfig } from '../config/load.js';
import { formatProblem } from '../config/problems.js';

/** `tidegate check FILE`: every problem on stderr with file:line:col, key and hint; exit 1 when any. */
export async function checkCommand(file: string): Promise<number> {
  const result = await loadConfig(file);
  if (!result.ok) {
    for (const problem of result.problems) process.stderr.write(`${formatProblem(problem)}\n`);
    process.stderr.write(`${file}: ${result.problems.length} problem${result.problems.length > 1 ? 's' : ''}\n`);
    return 1;
  }
  const { config, devices } = result.value;
  process.stdout.write(
    `${file}: ok (gateway ${config.gateway.id}, ${devices.length} device${devices.length === 1 ? '' : 's'}, broker ${config.mqtt.url})\n`,
  );
  return 0;
}
