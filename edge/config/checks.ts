import type * as z from 'zod';
import type { DriverDefinition, DriverModule, ResourceClaim, SelfDataConsent } from '../../drivers/driver.js';
import { fieldProblem } from '../../wire/catalogue/index.js';
import { issueProblems } from './issues.js';
import { ResourceLedger } from './resources.js';
import type { GatewayConfig } from './schema.js';
import { COMMON_DEVICE_KEYS } from './schema.js';

export { issueProblems };

/** A device entry once its driver's own schema has validated its options. */
export interface ResolvedDevice {
  id: string;
  driver: string;
  /** Poll interval in ms; undefined for a device that pushes its readings. */
  everyMs?: number;
  /** As configured, else the driver's default for self-data devices (teleinfo: daily). */
  consent?: SelfDataConsent;
  /** The driver's options, as its schema output them (what `open()` gets). */
  options: unknown;
}

type Path = (...rest: PropertyKey[]) => PropertyKey[];

export interface RawProblem {
  path: PropertyKey[];
  message: string;
  hint?: string;
}

/**
 * Checks a schema-valid config against the drivers' declarations (drivers/driver.ts): unknown drivers,
 * driver options, duplicate device ids, a serial port claimed twice, buses that do not exist, poll
 * intervals a bus cannot honour, and fields outside the measurement catalogue. No driver is named here.
 */
export function checkDevices(
  config: GatewayConfig,
  drivers: ReadonlyMap<string, DriverModule>,
  knownDrivers: readonly string[] = [...drivers.keys()],
): { devices: ResolvedDevice[]; problems: RawProblem[] } {
  const problems: RawProblem[] = [];
  const devices: ResolvedDevice[] = [];
  const firstIndexOfId = new Map<string, number>();
  const resources = new ResourceLedger(config, problems);

  config.devices.forEach((entry, index) => {
    const at = (...rest: PropertyKey[]) => ['devices', index, ...rest];
    const first = firstIndexOfId.get(entry.id);
    if (first !== undefined)
      problems.push({ path: at('id'), message: `duplicate device id "${entry.id}"`, hint: `devices[${first}] has it` });
    else firstIndexOfId.set(entry.id, index);

    const module = drivers.get(entry.driver);
    if (!module) {
      if (!knownDrivers.includes(entry.driver))
        problems.push({
          path: at('driver'),
          message: `unknown driver "${entry.driver}"`,
          hint: `known drivers: ${knownDrivers.join(', ')}`,
        });
      return;
    }
    const driver = module.driver as DriverDefinition<unknown>;
    const rest: Record<string, unknown> = { ...entry };
    for (const key of COMMON_DEVICE_KEYS) delete rest[key];
    const parsed = driver.options.safeParse(rest);
    if (!parsed.success) {
      const context = { schema: driver.options as z.ZodType, input: rest, alsoKnown: COMMON_DEVICE_KEYS };
      for (const issue of parsed.error.issues) problems.push(...issueProblems(issue, at(), context));
      return;
    }
    const options = parsed.data;
    problems.push(...modeProblems(driver, entry.every, at));
    // `?.`: a hand-made driver (a test's) may leave out what it does not use.
    for (const claim of driver.resources?.(options) ?? []) {
      const bus = resources.claim(claim, `device ${entry.id}`, at(claim.key ?? DEFAULT_CLAIM_KEY[claim.kind]));
      if (bus && entry.every !== undefined && driver.estimatePollMs)
        resources.poll(bus, entry.id, driver.estimatePollMs(options, bus.line), entry.every, at('every'));
    }
    problems.push(...emissionProblems(driver, options, at));
    const consent = entry.consent ?? driver.defaultConsent;
    devices.push({ id: entry.id, driver: entry.driver, everyMs: entry.every, consent, options });
  });

  problems.push(...resources.overloadedBuses());
  return { devices, problems };
}

const DEFAULT_CLAIM_KEY: Record<ResourceClaim['kind'], string> = {
  'serial-port': 'port',
  bus: 'bus',
  tcp: 'host',
  folder: 'folder',
};

function modeProblems(driver: DriverDefinition<unknown>, every: number | undefined, at: Path): RawProblem[] {
  if (driver.mode === 'poll' && every === undefined)
    return [{ path: at(), message: `driver ${driver.name} polls its devices: "every" is missing`, hint: 'every: 10s' }];
  if (driver.mode === 'push' && every !== undefined)
    return [{ path: at('every'), message: `driver ${driver.name} pushes its readings: "every" does not apply` }];
  return [];
}

/** A device whose readings would carry names the catalogue does not know: they would get no rollup. */
function emissionProblems(driver: DriverDefinition<unknown>, options: unknown, at: Path): RawProblem[] {
  const problems: RawProblem[] = [];
  for (const { measurement, fields } of driver.emits?.(options) ?? []) {
    for (const field of fields) {
      const problem = fieldProblem(measurement, field);
      if (problem)
        problems.push({
          path: at(),
          message: problem,
          hint: 'use a name of docs/data.md, or add it to the measurement catalogue so it is rolled up and documented',
        });
    }
  }
  return problems;
}
