import type { DriverModule } from './driver.js';

/**
 * Every driver by its name in the gateway config. Loaded lazily so that a gateway without a serial
 * port never loads serialport's native binding, and `tidegate --help` stays fast.
 */
const DRIVER_MODULES: Record<string, () => Promise<DriverModule>> = {
  sds011: () => import('./sds011/index.js'),
  teleinfo: () => import('./teleinfo/index.js'),
  traffic: () => import('./traffic/index.js'),
  modbus: () => import('./modbus/index.js'),
  pms5003: () => import('./pms5003/index.js'),
  http: () => import('./http/index.js'),
  files: () => import('./files/index.js'),
};

export const DRIVER_NAMES = Object.keys(DRIVER_MODULES);

export async function loadDriver(name: string): Promise<DriverModule> {
  const load = DRIVER_MODULES[name];
  if (!load) throw new Error(`unknown driver "${name}" (known: ${DRIVER_NAMES.join(', ')})`);
  return load();
}

export async function loadAllDrivers(): Promise<Map<string, DriverModule>> {
  const entries = await Promise.all(DRIVER_NAMES.map(async (name) => [name, await loadDriver(name)] as const));
  return new Map(entries);
}
