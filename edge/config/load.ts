import { readFileSync } from 'node:fs';
import type { DriverModule } from '../../drivers/driver.js';
import { DRIVER_NAMES, loadDriver } from '../../drivers/registry.js';
import { checkDevices, type RawProblem, type ResolvedDevice } from './checks.js';
import { issueProblems } from './issues.js';
import { machineWarnings } from './machine.js';
import { type ConfigProblem, keyPath, sortProblems } from './problems.js';
import { BusSchema, DeviceSchema, type GatewayConfig, GatewayConfigSchema, MqttSection } from './schema.js';
import { resolveMqttPassword, secretsInYaml } from './secrets.js';
import { parseYamlSource, type YamlSource } from './source.js';

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
  /** Also check what the config asks of this machine (serial ports present, key creatable): warnings. */
  machine?: boolean;
}

export type LoadResult =
  | { ok: true; value: LoadedConfig; warnings: ConfigProblem[] }
  | { ok: false; problems: ConfigProblem[] };

/** Reads, parses and checks a gateway config; every problem names the file, line and key. */
export async function loadConfig(file: string, options: LoadOptions = {}): Promise<LoadResult> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return { ok: false, problems: [{ file, line: 0, col: 0, key: '(file)', message: unreadable(e) }] };
  }
  return parseConfig(file, text, options);
}

function unreadable(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file (tidegate init FILE writes a starter config)';
  if (code === 'EACCES') return 'permission denied (run as root or as the tidegate user)';
  if (code === 'EISDIR') return 'is a directory, not a config file';
  return `cannot read: ${code ?? (e as Error).message}`;
}

/**
 * Every problem at once, sorted by line: the schema's, and the checks against the drivers for every part
 * of the config that is well-formed, so that fixing one mistake does not reveal the next.
 */
export async function parseConfig(file: string, text: string, options: LoadOptions = {}): Promise<LoadResult> {
  const source = parseYamlSource(file, text);
  if (source.syntaxErrors.length)
    return {
      ok: false,
      problems: sortProblems(source.syntaxErrors.map((e) => ({ file, ...e, key: '(yaml)' }))),
    };
  const data = source.data ?? {};
  const secretProblems = secretsInYaml(data);
  const parsed = GatewayConfigSchema.safeParse(data);
  const schemaProblems = parsed.success
    ? []
    : parsed.error.issues
        .flatMap((issue) => issueProblems(issue, [], { schema: GatewayConfigSchema, input: data }))
        .filter((p) => !secretProblems.some((s) => keyPath(s.path) === keyPath(p.path)));
  const config = parsed.success ? parsed.data : wellFormedParts(data);

  const { drivers, problems: loadProblems } = options.drivers
    ? { drivers: options.drivers, problems: [] }
    : await loadUsedDrivers(config.devices.map((d) => d.driver));
  const known = options.drivers ? undefined : DRIVER_NAMES;
  const { devices, problems: deviceProblems } = checkDevices(config, drivers, known);
  const secret = config.mqtt ? resolveMqttPassword(config, options.env) : { problems: [] };
  const errors = [...secretProblems, ...schemaProblems, ...deviceProblems, ...loadProblems, ...secret.problems];
  const warnings = options.machine ? await machineWarnings(data) : [];
  const all = sortProblems([...located(source, errors, 'error'), ...located(source, warnings, 'warning')]);
  if (errors.length || !parsed.success) return { ok: false, problems: all };
  return {
    ok: true,
    value: { file, config: parsed.data, devices, mqttPassword: secret.password },
    warnings: all,
  };
}

function located(source: YamlSource, raw: RawProblem[], severity: 'error' | 'warning'): ConfigProblem[] {
  return raw.map((p) => ({
    file: source.file,
    ...source.locate(p.path),
    key: keyPath(p.path),
    message: p.message,
    hint: p.hint,
    severity,
  }));
}

/**
 * The parts of an invalid config that are valid on their own, for the checks against the drivers: each
 * bus and device entry that parses, at its own index (the devices array keeps holes, which forEach
 * skips), a bus that does not parse only as the port it claims, the mqtt section when it parses.
 */
function wellFormedParts(data: unknown): GatewayConfig {
  const record = (value: unknown) =>
    value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  const root = record(data);
  const buses: Record<string, unknown> = {};
  for (const [id, raw] of Object.entries(record(root.buses))) {
    const bus = BusSchema.safeParse(raw);
    const port = record(raw).port;
    buses[id] = bus.success ? bus.data : typeof port === 'string' ? { port } : {};
  }
  const devices: unknown[] = [];
  if (Array.isArray(root.devices))
    root.devices.forEach((raw, index) => {
      const device = DeviceSchema.safeParse(raw);
      if (device.success) devices[index] = device.data;
    });
  const mqtt = MqttSection.safeParse(root.mqtt);
  return { buses, devices, mqtt: mqtt.success ? mqtt.data : undefined } as unknown as GatewayConfig;
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
