import { loadConfig } from '../config/load.js';
import { type ConfigProblem, formatProblem } from '../config/problems.js';

/**
 * `tidegate check FILE`: every problem at once, in the order of the file, with file:line:col, key and hint;
 * warnings (a serial port not plugged in, a pseudonym key that cannot be created) beside the errors.
 * Exit 1 when there is an error, 0 otherwise.
 */
export async function checkCommand(file: string): Promise<number> {
  const result = await loadConfig(file, { machine: true });
  const problems = result.ok ? result.warnings : result.problems;
  for (const problem of problems) process.stderr.write(`${formatProblem(problem)}\n`);
  if (!result.ok) {
    process.stderr.write(`${file}: ${count(problems)}\n`);
    return 1;
  }
  const { config, devices } = result.value;
  const warned = problems.length ? `; ${count(problems)}` : '';
  process.stdout.write(
    `${file}: ok (gateway ${config.gateway.id}, ${devices.length} device${devices.length === 1 ? '' : 's'}, broker ${config.mqtt.url}${warned})\n`,
  );
  return 0;
}

function count(problems: ConfigProblem[]): string {
  const warnings = problems.filter((p) => p.severity === 'warning').length;
  const errors = problems.length - warnings;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return [errors ? plural(errors, 'error') : '', warnings ? plural(warnings, 'warning') : '']
    .filter(Boolean)
    .join(', ');
}
