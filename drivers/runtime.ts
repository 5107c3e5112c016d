import type { BusSettings, DriverRuntime } from './driver.js';

/**
 * The shared state of one gateway's drivers: the buses declared in its config, and values shared
 * between devices (a Modbus bus scheduler per RS-485 line, an open port). Closing the runtime closes
 * every shared value that has a close() method.
 */
export function createDriverRuntime(buses: Record<string, BusSettings> = {}): DriverRuntime {
  const shared = new Map<string, unknown>();
  return {
    busSettings: (busId) => buses[busId],
    shared<T>(key: string, create: () => T): T {
      if (!shared.has(key)) shared.set(key, create());
      return shared.get(key) as T;
    },
    async close() {
      const values = [...shared.values()];
      shared.clear();
      await Promise.allSettled(
        values.map((v) => (v as { close?: () => unknown } | null)?.close?.()).filter((p) => p !== undefined),
      );
    },
  };
}
