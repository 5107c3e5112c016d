/** One thing wrong in a config file, located at the key that is wrong. */
export interface ConfigProblem {
  file: string;
  /** 0 when the problem is the file itself (missing, unreadable). */
  line: number;
  col: number;
  /** Dotted path of the key, e.g. "devices[2].unit". */
  key: string;
  message: string;
  hint?: string;
  /** A warning does not stop the agent (a port that may be plugged in later); an error does. */
  severity?: 'error' | 'warning';
}

export function keyPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : `${out ? '.' : ''}${String(part)}`;
  return out || '(root)';
}

export function formatProblem(p: ConfigProblem): string {
  const where = p.line > 0 ? `${p.file}:${p.line}:${p.col}: ${p.key}` : p.file;
  const level = p.severity === 'warning' ? 'warning: ' : '';
  return `${where}: ${level}${p.message}${p.hint ? ` (hint: ${p.hint})` : ''}`;
}

/** Errors and warnings in the order of the file, each said once. */
export function sortProblems(problems: ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  return [...problems]
    .sort((a, b) => a.line - b.line || a.col - b.col)
    .filter((p) => {
      const id = `${p.line}:${p.key}:${p.message}`;
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    });
}

export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ConfigError';
  }
}
