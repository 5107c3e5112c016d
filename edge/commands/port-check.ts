import { readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import type { ResolvedDevice } from '../config/checks.js';
import { portsHere } from '../config/machine.js';
import type { GatewayConfig } from '../config/schema.js';

/** The serial port a device reads: its own `port`, or its bus's. Undefined for Modbus TCP. */
export function devicePort(device: ResolvedDevice, config: GatewayConfig): string | undefined {
  const options = (device.options ?? {}) as { port?: unknown; bus?: unknown };
  if (typeof options.port === 'string') return options.port;
  const bus = typeof options.bus === 'string' ? config.buses[options.bus] : undefined;
  return bus && 'port' in bus ? bus.port : undefined;
}

/**
 * Opens the port once, as the drivers would (serialport locks it), and closes it: undefined when it
 * opens, else what is wrong and what to do. The drivers themselves never fail on an absent port (they
 * retry in the background); a technician at the cabinet wants to know now.
 */
export async function portProblem(path: string, note: (line: string) => void = () => {}): Promise<string | undefined> {
  // Checked before opening: serialport's lock does not keep a second reader out of every tty (a PTY,
  // some USB adapters), and two readers of one line each get half of its frames.
  const holders = processesHolding(path).filter((h) => h.pid !== process.pid);
  const agents = holders.filter((h) => /tidegate(\.js)?\s+edge\b/.test(h.command));
  if (agents.length)
    return `${path} is held by the running tidegate agent (${agents.map((h) => `pid ${h.pid}: ${h.command}`).join('; ')}): stop it first (sudo systemctl stop tidegate-edge), or watch the device through the agent's /health and logs`;
  // Others may be the port's own plumbing (socat behind a PTY): said, not refused.
  for (const h of holders) note(`note: ${path} is also open in pid ${h.pid}: ${h.command}`);
  const { SerialPort } = await import('serialport');
  const port = new SerialPort({ path, baudRate: 9600, autoOpen: false });
  const error = await new Promise<Error | null>((resolve) => port.open((e) => resolve(e ?? null)));
  if (!error) {
    await new Promise<void>((resolve) => port.close(() => resolve()));
    return undefined;
  }
  const message = error.message;
  if (/No such file|ENOENT/i.test(message)) return `${path} does not exist; ${await portsHere()}`;
  if (/Permission denied|EACCES/i.test(message))
    return `${path}: permission denied (add the user to the dialout group: sudo usermod -aG dialout $USER)`;
  return `cannot open ${path}: ${message} (tidegate ports lists the ports of this machine)`;
}

/** Processes with the port open, found through /proc/PID/fd (Linux). */
export function processesHolding(path: string): { pid: number; command: string }[] {
  let target: string;
  try {
    target = realpathSync(path);
  } catch {
    return [];
  }
  const found: { pid: number; command: string }[] = [];
  for (const entry of safeList('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fdDir = join('/proc', entry, 'fd');
    const holds = safeList(fdDir).some((fd) => {
      try {
        return readlinkSync(join(fdDir, fd)) === target;
      } catch {
        return false;
      }
    });
    if (!holds) continue;
    let command = '?';
    try {
      command = readFileSync(join('/proc', entry, 'cmdline'), 'utf8')
        .split('\0')
        .filter(Boolean)
        .join(' ');
    } catch {
      // the process ended meanwhile
    }
    found.push({ pid: Number(entry), command });
  }
  return found;
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
