import * as z from 'zod';
import type { ResourceClaim, SerialSettings } from '../driver.js';

type LineDefaults = Required<Omit<SerialSettings, 'path'>>;

/**
 * The serial-line keys of a device's options in the gateway config (`port`, `baudRate`, `dataBits`,
 * `parity`, `stopBits`), with the defaults of the device's protocol. Spread into a driver's schema.
 */
export function serialLineOptions(defaults: LineDefaults) {
  return {
    port: z.string().min(1, 'port: the serial device path, e.g. /dev/ttyUSB0'),
    baudRate: z.number().int().positive().default(defaults.baudRate),
    dataBits: z.union([z.literal(5), z.literal(6), z.literal(7), z.literal(8)]).default(defaults.dataBits),
    parity: z.enum(['none', 'even', 'odd', 'mark', 'space']).default(defaults.parity),
    stopBits: z.union([z.literal(1), z.literal(1.5), z.literal(2)]).default(defaults.stopBits),
  };
}

export interface SerialLineOptions extends LineDefaults {
  port: string;
}

/** The resource a serial device holds: its port, alone. */
export function serialPortClaim(options: { port: string }): ResourceClaim[] {
  return [{ kind: 'serial-port', path: options.port }];
}

export function toSerialSettings(options: SerialLineOptions): SerialSettings {
  const { port, baudRate, dataBits, parity, stopBits } = options;
  return { path: port, baudRate, dataBits, parity, stopBits };
}
