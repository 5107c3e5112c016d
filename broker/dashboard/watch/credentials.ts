import { readFileSync, statSync } from 'node:fs';

/**
 * Where `tidegate watch` finds the operator's password: a file (first line) or the environment,
 * never the command line, where every user of the machine could read it in `ps`.
 */
export interface WatchCredentials {
  username?: string;
  password?: string;
  /** Said on stderr: a secret file others can read still works, but should not. */
  warnings: string[];
}

export const PASSWORD_ENV = 'TIDEGATE_PASSWORD';
export const USERNAME_ENV = 'TIDEGATE_USERNAME';

export function resolveWatchCredentials(
  options: { username?: string; passwordFile?: string },
  env: NodeJS.ProcessEnv = process.env,
): WatchCredentials {
  const username = options.username ?? env[USERNAME_ENV];
  const warnings: string[] = [];
  if (options.passwordFile) {
    let text: string;
    try {
      text = readFileSync(options.passwordFile, 'utf8');
    } catch (e) {
      throw new Error(
        `cannot read password file ${options.passwordFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      );
    }
    const password = text.split('\n')[0]?.trim();
    if (!password) throw new Error(`password file ${options.passwordFile} is empty`);
    if ((statSync(options.passwordFile).mode & 0o004) !== 0)
      warnings.push(`password file ${options.passwordFile} is readable by every user (chmod 600 it)`);
    return { username, password, warnings };
  }
  return { username, password: env[PASSWORD_ENV] || undefined, warnings };
}
