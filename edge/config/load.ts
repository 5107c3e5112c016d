import { readFileSync } from 'node:fs';
import type { DriverModule } from '../../drivers/driver.js';
import { DRIVER_NAMES, loadDriver } from '../../drivers/registry.js';
import { checkDevices, issueProblems, type RawProblem, type ResolvedDevice } from './checks.js';
import { type ConfigProblem, keyPath } from './problems.js';
import { type GatewayConfig, GatewayConfigSchema } from './schema.js';
import { resolveMqttPassword, secretsInYaml } from './secrets.js';
import { parseYamlSource } from './source.js';

export interface LoadedConfig {
  file: string;
  config: GatewayConfig;
  devices: ResolvedDevice[];
  /** From mqtt.passwordFile or mqtt.passwordEnv; never logged. */
  mqttPassword?: string;
}

export interface LoadOptions {
  /** The drivers to check devices against (default: every driver of the registry). */
  drivers?: ReadonlyMap<string, DriverModule>;
  env?: NodeJS.ProcessEnv;
}

export type LoadResult = { ok: true; value: LoadedConfig } | { ok: false; problems: ConfigProblem[] };

/** Reads, parses and checks a gateway config; every problem names the file, line and key. */
export async function loadConfig(file: string, options: LoadOptions = {}): Promise<LoadResult> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    return { ok: false, problems: [{ file, line: 0, col: 0, key: '(file)', message: `cannot read: ${reason}` }] };
  }
  return parseConfig(file, text, options);
}

export async function parseConfig(file: string, text: string, options: LoadOptions = {}): Promise<LoadResult> {
  const source = parseYamlSource(file, text);
  if (source.syntaxErrors.length)
    return {
      ok: false,
      problems: source.syntaxErrors.map((e) => ({ file, ...e, key: '(yaml)', message: e.message })),
    };
  const located = (raw: RawProblem[]): ConfigProblem[] =>
    raw.map((p) => ({ file, ...source.locate(p.path), key: keyPath(p.path), message: p.message, hint: p.hint }));

  const secretProblems = secretsInYaml(source.data);
  const parsed = GatewayConfigSchema.safeParse(source.data ?? {});
  const schemaProblems = parsed.success
    ? []
    : parsed.error.issues
        .flatMap((issue) => issueProblems(issue))
        .filter((p) => !secretProblems.some((s) => keyPath(s.path) === keyPath(p.path)));
  if (!parsed.success) return { ok: false, problems: located([...secretProblems, ...schemaProblems]) };

  const config = parsed.data;
  const { drivers, problems: loadProblems } = options.drivers
    ? { drivers: options.drivers, problems: [] }
    : await loadUsedDrivers(config.devices.map((d) => d.driver));
  const { devices, problems: deviceProblems } = checkDevices(
    config,
    drivers,
    options.drivers ? undefined : DRIVER_NAMES,
  );
  deviceProblems.push(...loadProblems);
  const secret = resolveMqttPassword(config, options.env);
  const all = [...secretProblems, ...deviceProblems, ...secret.problems];
  if (all.length) return { ok: false, problems: located(all).sort((a, b) => a.line - b.line || a.col - b.col) };
  return { ok: true, value: { file, config, devices, mqttPassword: secret.password } };
}

/** Loads only the drivers a config names, so that one broken driver module cannot block every config. */
async function loadUsedDrivers(
  names: string[],
): Promise<{ drivers: Map<string, DriverModule>; problems: RawProblem[] }> {
  const drivers = new Map<string, DriverModule>();
  const problems: RawProblem[] = [];
  for (const [index, name] of names.entries()) {
    if (drivers.has(name) || !DRIVER_NAMES.includes(name)) continue;
    try {
      drivers.set(name, await loadDriver(name));
    } catch (e) {
      problems.push({
        path: ['devices', index, 'driver'],
        message: `driver ${name} cannot be loaded: ${(e as Error).message}`,
      });
    }
  }
  return { drivers, problems };
}
