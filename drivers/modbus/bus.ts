import type { BusSettings, DriverRuntime } from '../driver.js';
import type { ModbusOptions } from './options.js';
import { BusScheduler } from './scheduler.js';
import { serialLink, socketLink } from './transport/links.js';
import { RtuTransport } from './transport/rtu.js';
import { TcpTransport } from './transport/tcp.js';
import type { Transport } from './transport/transport.js';

const DEFAULT_TIMEOUT_MS = 1_000;

/** A transport for a declared bus: RTU on a serial line, RTU over TCP, or Modbus TCP. */
export function transportFor(settings: BusSettings): Transport {
  if (settings.kind === 'serial') {
    const { path, baudRate, dataBits, parity, stopBits } = settings;
    return new RtuTransport(serialLink({ path, baudRate, dataBits, parity, stopBits }));
  }
  return settings.rtuOverTcp
    ? new RtuTransport(socketLink(settings.host, settings.port))
    : new TcpTransport(settings.host, settings.port);
}

export interface DeviceBus {
  scheduler: BusScheduler;
  timeoutMs: number;
}

/**
 * The scheduler of the line a device is on, shared by every device on it through the driver runtime
 * (which closes it): `modbus-bus:<id>` for a declared bus, `modbus-tcp:<host>:<port>` for a TCP device.
 */
export function busOf(options: ModbusOptions, runtime: DriverRuntime): DeviceBus {
  if (options.bus !== undefined) {
    const settings = runtime.busSettings(options.bus);
    if (!settings) throw new Error(`bus "${options.bus}" is not declared in the config's buses: section`);
    return {
      scheduler: runtime.shared(`modbus-bus:${options.bus}`, () => new BusScheduler(transportFor(settings))),
      timeoutMs: options.timeoutMs ?? settings.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    };
  }
  const host = options.host!;
  const settings: BusSettings = { kind: 'tcp', host, port: options.port, rtuOverTcp: options.rtuOverTcp };
  const key = `modbus-${options.rtuOverTcp ? 'rtu-tcp' : 'tcp'}:${host}:${options.port}`;
  return {
    scheduler: runtime.shared(key, () => new BusScheduler(transportFor(settings))),
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  };
}
