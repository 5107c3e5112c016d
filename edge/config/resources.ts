import type { ResourceClaim, SerialSettings } from '../../drivers/driver.js';
import type { RawProblem } from './checks.js';
import type { GatewayConfig } from './schema.js';
import { formatDuration } from './units.js';

/** A declared serial bus that a device polls over: its id and line settings. */
export interface ClaimedBus {
  id: string;
  line: Omit<SerialSettings, 'path'>;
}

/**
 * What the devices of one config hold (drivers declare it, drivers/driver.ts): a serial port is held by
 * one device or bus alone; a bus must be declared, and the polls of its devices must fit in its time.
 */
export class ResourceLedger {
  private readonly portOwners = new Map<string, string>();
  private readonly folderOwners = new Map<string, string>();
  private readonly busLoad = new Map<string, { share: number; devices: string[] }>();

  constructor(
    private readonly config: GatewayConfig,
    private readonly problems: RawProblem[],
  ) {
    for (const [busId, bus] of Object.entries(config.buses)) {
      if ('port' in bus) this.claim({ kind: 'serial-port', path: bus.port }, `bus ${busId}`, ['buses', busId, 'port']);
    }
  }

  /** Records a claim; returns the bus when it is a declared serial bus (its polls are then counted). */
  claim(claim: ResourceClaim, owner: string, path: PropertyKey[]): ClaimedBus | undefined {
    if (claim.kind === 'folder') {
      const previous = this.folderOwners.get(claim.path);
      if (previous)
        this.problems.push({
          path,
          message: `folder ${claim.path} is already read by ${previous}`,
          hint: 'one device per drop folder',
        });
      else this.folderOwners.set(claim.path, owner);
      return undefined;
    }
    if (claim.kind === 'serial-port') {
      const previous = this.portOwners.get(claim.path);
      if (previous)
        this.problems.push({
          path,
          message: `serial port ${claim.path} is already used by ${previous}`,
          hint: 'devices sharing an RS-485 line go on one bus: declare it under buses: and give each device bus: <id>',
        });
      else this.portOwners.set(claim.path, owner);
      return undefined;
    }
    if (claim.kind !== 'bus') return undefined;
    const bus = this.config.buses[claim.id];
    if (!bus) {
      this.problems.push({
        path,
        message: `bus "${claim.id}" is not declared`,
        hint: `declared buses: ${Object.keys(this.config.buses).join(', ') || 'none (add a buses: section)'}`,
      });
      return undefined;
    }
    if (!('baudRate' in bus)) return undefined;
    const { baudRate, dataBits, parity, stopBits } = bus;
    return { id: claim.id, line: { baudRate, dataBits, parity, stopBits } };
  }

  /** Counts one device's polls on a bus; a single poll longer than its interval is a problem at once. */
  poll(bus: ClaimedBus, deviceId: string, pollMs: number, everyMs: number, path: PropertyKey[]): void {
    if (pollMs > everyMs)
      this.problems.push({
        path,
        message: `every ${formatDuration(everyMs)} cannot be honoured: one poll takes about ${Math.ceil(pollMs)} ms at ${bus.line.baudRate} baud`,
        hint: 'poll less often, read fewer registers, or raise the bus baud rate',
      });
    const load = this.busLoad.get(bus.id) ?? { share: 0, devices: [] };
    load.share += pollMs / everyMs;
    load.devices.push(deviceId);
    this.busLoad.set(bus.id, load);
  }

  overloadedBuses(): RawProblem[] {
    return [...this.busLoad]
      .filter(([, load]) => load.share > 1)
      .map(([busId, load]) => ({
        path: ['buses', busId],
        message: `the polls of ${load.devices.join(', ')} need ${Math.round(load.share * 100)}% of bus ${busId}'s time: their intervals cannot be honoured`,
        hint: 'poll less often or split the devices over two buses',
      }));
  }
}
