import type { BusSettings } from '../../drivers/driver.js';
import type { BusConfig } from '../config/schema.js';

/** The config's `buses:` as the drivers' runtime expects them. */
export function toBusSettings(buses: Record<string, BusConfig>): Record<string, BusSettings> {
  const out: Record<string, BusSettings> = {};
  for (const [id, bus] of Object.entries(buses)) {
    out[id] =
      'port' in bus
        ? {
            kind: 'serial',
            path: bus.port,
            baudRate: bus.baudRate,
            dataBits: bus.dataBits,
            parity: bus.parity,
            stopBits: bus.stopBits,
            timeoutMs: bus.timeoutMs,
          }
        : { kind: 'tcp', host: bus.host, port: bus.tcpPort, rtuOverTcp: bus.rtuOverTcp, timeoutMs: bus.timeoutMs };
  }
  return out;
}
