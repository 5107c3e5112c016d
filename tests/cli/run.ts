import { execFile } from 'node:child_process';

const CLI = new URL('../../bin/tidegate.js', import.meta.url).pathname;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `tidegate` command; `prefix` runs it through another command (setpriv, sh -c...). */
export function tidegate(args: string[], options: { prefix?: string[]; input?: string; timeoutMs?: number } = {}) {
  const [command, ...rest] = [...(options.prefix ?? []), 'node', CLI, ...args];
  return new Promise<CliResult>((resolve) => {
    const child = execFile(command!, rest, { timeout: options.timeoutMs ?? 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

export { CLI };
