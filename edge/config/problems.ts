/** One thing wrong in a config file, located at the key that is wrong. */
export interface ConfigProblem {
  file: string;
  line: number;
  col: number;
  /** Dotted path of the key, e.g. "devices[2].unit". */
  key: string;
  message: string;
  hint?: string;
}

export function keyPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : `${out ? '.' : ''}${String(part)}`;
  return out || '(root)';
}

export function formatProblem(p: ConfigProblem): string {
  return `${p.file}:${p.line}:${p.col}: ${p.key}: ${p.message}${p.hint ? ` (hint: ${p.hint})` : ''}`;
}

export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ConfigError';
  }
}
