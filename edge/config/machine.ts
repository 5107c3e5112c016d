import { accessSync, constants, existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RawProblem } from './checks.js';

/**
 * What a config asks of this machine, checked where it runs (`tidegate check`): serial ports that are
 * not there (a warning: a USB adapter may be plugged in later) and a pseudonym key that cannot be read
 * or created (a warning: the agent runs, but withholds identifiers until it has a key).
 */
export async function machineWarnings(data: unknown): Promise<RawProblem[]> {
  const warnings: RawProblem[] = [];
  const missing = serialPorts(data).filter(({ port }) => !existsSync(port));
  if (missing.length) {
    const hint = await portsHere();
    for (const { port, path } of missing)
      warnings.push({ path, message: `serial port ${port} does not exist (not plugged in yet?)`, hint });
  }
  const keyFile = field(field(data, 'privacy'), 'keyFile');
  if (typeof keyFile === 'string' && keyFile) {
    const problem = keyProblem(keyFile);
    if (problem)
      warnings.push({
        path: ['privacy', 'keyFile'],
        message: `${problem}: the agent will withhold identifiers until it has a key`,
        hint: `keep the key under the state directory (/var/lib/tidegate/pseudonym.key), or create it at install: head -c 32 /dev/urandom > ${keyFile} && chmod 600 ${keyFile} && chown tidegate ${keyFile}`,
      });
  }
  return warnings;
}

function serialPorts(data: unknown): { port: string; path: PropertyKey[] }[] {
  const found: { port: string; path: PropertyKey[] }[] = [];
  const buses = field(data, 'buses');
  if (buses && typeof buses === 'object')
    for (const [id, bus] of Object.entries(buses)) {
      const port = field(bus, 'port');
      if (typeof port === 'string' && port.startsWith('/')) found.push({ port, path: ['buses', id, 'port'] });
    }
  const devices = field(data, 'devices');
  if (Array.isArray(devices))
    devices.forEach((device, index) => {
      const port = field(device, 'port');
      if (typeof port === 'string' && port.startsWith('/')) found.push({ port, path: ['devices', index, 'port'] });
    });
  return found;
}

/** The serial ports present, each with its stable /dev/serial/by-id name when udev made one. */
export async function portsHere(): Promise<string> {
  const byId = new Map<string, string>();
  try {
    for (const name of readdirSync('/dev/serial/by-id')) {
      const link = join('/dev/serial/by-id', name);
      byId.set(realpathSync(link), link);
    }
  } catch {
    // no /dev/serial/by-id: no USB serial adapter is plugged in
  }
  let paths: string[] = [];
  try {
    const { SerialPort } = await import('serialport');
    paths = (await SerialPort.list()).map((p) => p.path);
  } catch {
    paths = [...byId.keys()];
  }
  if (paths.length === 0) return 'this machine has no serial port now (tidegate ports lists them)';
  const shown = paths.map((p) => (byId.has(p) ? `${p} = ${byId.get(p)}` : p));
  return `ports here: ${shown.join(', ')} (prefer the /dev/serial/by-id names; tidegate ports lists them)`;
}

/** Why the key at `keyFile` can be neither read nor created by this user, or undefined when it can. */
function keyProblem(keyFile: string): string | undefined {
  if (existsSync(keyFile)) {
    try {
      accessSync(keyFile, constants.R_OK);
      return undefined;
    } catch (e) {
      return `the pseudonym key ${keyFile} cannot be read (${(e as NodeJS.ErrnoException).code})`;
    }
  }
  let dir = dirname(keyFile);
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  if (!statSync(dir).isDirectory()) return `the pseudonym key ${keyFile} cannot be created: ${dir} is not a directory`;
  try {
    accessSync(dir, constants.W_OK);
    return undefined;
  } catch (e) {
    return `the pseudonym key ${keyFile} does not exist and cannot be created in ${dir} (${(e as NodeJS.ErrnoException).code})`;
  }
}

function field(value: unknown, key: string): unknown {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}
