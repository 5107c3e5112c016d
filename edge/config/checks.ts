import type { z } from 'zod';
import type { DriverModule } from '../../drivers/driver.js';
import { issueProblems } from './issues.js';
import type { GatewayConfig } from './schema.js';
import { COMMON_DEVICE_KEYS } from './schema.js';
import { formatDuration } from './units.js';

export { issueProblems };

/** A device entry once its driver's own schema has validated its options. */
export interface ResolvedDevice {
  id: string;
  driver: string;
  /** Poll interval in ms; undefined for a device that pushes its readings. */
  everyMs?: number;
  consent?: 'none' | 'daily' | 'half-hourly' | 'raw';
  /** The driver's options, as its schema output them (what `open()` gets). */
  options: unknown;
}

export interface RawProblem {
  path: PropertyKey[];
  message: string;
  hint?: string;
}

type EstimatePollMs = (options: unknown, baudRate: number) => number;

/**
 * Checks a schema-valid config against the drivers: unknown drivers, driver options, duplicate device
 * ids, one serial port claimed twice, buses that do not exist, and poll intervals a bus cannot honour.
 */
export function checkDevices(
  config: GatewayConfig,
  drivers: ReadonlyMap<string, DriverModule>,
  knownDrivers: readonly string[] = [...drivers.keys()],
): { devices: ResolvedDevice[]; problems: RawProblem[] } {
  const problems: RawProblem[] = [];
  const devices: ResolvedDevice[] = [];
  const firstIndexOfId = new Map<string, number>();
  const portOwners = new Map<string, string>();
  const busLoad = new Map<string, { share: number; devices: string[] }>();

  for (const [busId, bus] of Object.entries(config.buses)) {
    if ('port' in bus) claimPort(bus.port, `bus ${busId}`, ['buses', busId, 'port']);
  }

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
    const { driver } = module;
    const rest: Record<string, unknown> = { ...entry };
    for (const key of COMMON_DEVICE_KEYS) delete rest[key];
    const parsed = (driver.options as z.ZodType).safeParse(rest);
    if (!parsed.success) {
      const context = { schema: driver.options as z.ZodType, input: rest, alsoKnown: COMMON_DEVICE_KEYS };
      for (const issue of parsed.error.issues) problems.push(...issueProblems(issue, at(), context));
      return;
    }
    const options = parsed.data as Record<string, unknown> | undefined;

    if (driver.mode === 'poll' && entry.every === undefined)
      problems.push({
        path: at(),
        message: `driver ${driver.name} polls its devices: "every" is missing`,
        hint: 'every: 10s',
      });
    if (driver.mode === 'push' && entry.every !== undefined)
      problems.push({
        path: at('every'),
        message: `driver ${driver.name} pushes its readings: "every" does not apply`,
      });

    const busId = typeof options?.bus === 'string' ? options.bus : undefined;
    if (busId !== undefined && !config.buses[busId])
      problems.push({
        path: at('bus'),
        message: `bus "${busId}" is not declared`,
        hint: `declared buses: ${Object.keys(config.buses).join(', ') || 'none (add a buses: section)'}`,
      });
    if (typeof options?.port === 'string') claimPort(options.port, `device ${entry.id}`, at('port'));

    const estimate = (module as { estimatePollMs?: EstimatePollMs }).estimatePollMs;
    const bus = busId ? config.buses[busId] : undefined;
    if (estimate && entry.every !== undefined && bus && 'baudRate' in bus) {
      const pollMs = estimate(options, bus.baudRate);
      if (pollMs > entry.every)
        problems.push({
          path: at('every'),
          message: `every ${formatDuration(entry.every)} cannot be honoured: one poll takes about ${Math.ceil(pollMs)} ms at ${bus.baudRate} baud`,
          hint: `poll less often, read fewer registers, or raise the bus baud rate`,
        });
      const load = busLoad.get(busId!) ?? { share: 0, devices: [] };
      load.share += pollMs / entry.every;
      load.devices.push(entry.id);
      busLoad.set(busId!, load);
    }

    devices.push({ id: entry.id, driver: entry.driver, everyMs: entry.every, consent: entry.consent, options });
  });

  for (const [busId, load] of busLoad) {
    if (load.share > 1)
      problems.push({
        path: ['buses', busId],
        message: `the polls of ${load.devices.join(', ')} need ${Math.round(load.share * 100)}% of bus ${busId}'s time: their intervals cannot be honoured`,
        hint: 'poll less often or split the devices over two buses',
      });
  }
  return { devices, problems };

  function claimPort(port: string, owner: string, path: PropertyKey[]): void {
    const previous = portOwners.get(port);
    if (previous)
      problems.push({
        path,
        message: `serial port ${port} is already used by ${previous}`,
        hint: 'devices sharing an RS-485 line go on one bus: declare it under buses: and give each device bus: <id>',
      });
    else portOwners.set(port, owner);
  }
}
