import { readFileSync, statSync } from 'node:fs';
import type { RawProblem } from './checks.js';
import type { GatewayConfig } from './schema.js';

/** Keys that would put a secret into the YAML itself: refused, secrets come from files or the environment. */
const SECRET_KEYS = new Set(['password', 'secret', 'token', 'apikey', 'api_key', 'privatekey']);

export function secretsInYaml(data: unknown, path: PropertyKey[] = []): RawProblem[] {
  if (Array.isArray(data)) return data.flatMap((item, i) => secretsInYaml(item, [...path, i]));
  if (data === null || typeof data !== 'object') return [];
  return Object.entries(data).flatMap(([key, value]) =>
    SECRET_KEYS.has(key.toLowerCase())
      ? [
          {
            path: [...path, key],
            message: 'a secret may not be written in the config file',
            hint: `use ${key}File: /etc/tidegate/<name>.secret (mode 0600) or ${key}Env: VARIABLE`,
          },
        ]
      : secretsInYaml(value, [...path, key]),
  );
}

/** Reads the first line of a secret file; the problem names the file, never the content. */
export function readSecretFile(path: string): { value?: string; problem?: string } {
  try {
    const value = readFileSync(path, 'utf8').split('\n')[0]?.trim() ?? '';
    if (!value) return { problem: `secret file ${path} is empty` };
    return { value };
  } catch (e) {
    return { problem: `cannot read secret file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
  }
}

export interface MqttSecret {
  password?: string;
  problems: RawProblem[];
}

export function resolveMqttPassword(config: GatewayConfig, env: NodeJS.ProcessEnv = process.env): MqttSecret {
  const { passwordFile, passwordEnv } = config.mqtt;
  const problems: RawProblem[] = [];
  if (passwordFile && passwordEnv)
    problems.push({ path: ['mqtt', 'passwordEnv'], message: 'give passwordFile or passwordEnv, not both' });
  if (passwordFile) {
    const { value, problem } = readSecretFile(passwordFile);
    if (problem) problems.push({ path: ['mqtt', 'passwordFile'], message: problem });
    else if (worldReadable(passwordFile))
      problems.push({
        path: ['mqtt', 'passwordFile'],
        message: `secret file ${passwordFile} is readable by every user`,
        hint: `chmod 600 ${passwordFile}`,
      });
    return { password: value, problems };
  }
  if (passwordEnv) {
    const value = env[passwordEnv];
    if (!value)
      problems.push({ path: ['mqtt', 'passwordEnv'], message: `environment variable ${passwordEnv} is not set` });
    return { password: value, problems };
  }
  return { problems };
}

function worldReadable(path: string): boolean {
  try {
    return (statSync(path).mode & 0o004) !== 0;
  } catch {
    return false;
  }
}
