import { encodeLine } from '../../wire/line-protocol/encode.js';
import type { Reading } from '../../wire/reading.js';
import type { DeviceSink, DeviceState } from '../driver.js';

/** A device sink for tests and `probe`-like tools: keeps what a record driver emitted. */
export function recordingSink() {
  const readings: Reading[] = [];
  const rejected: { reason: string; detail?: string }[] = [];
  const states: { state: DeviceState; reason?: string }[] = [];
  const sink: DeviceSink = {
    reading: (r) => readings.push(r),
    rejected: (reason, detail) => rejected.push({ reason, detail }),
    state: (state, reason) => states.push({ state, reason }),
  };
  /** The readings as sorted line protocol (identifiers left in: no privacy stage here). */
  const lines = () => readings.map(({ identifiers: _i, ...r }) => encodeLine(r)).sort();
  const clear = () => {
    readings.length = 0;
    rejected.length = 0;
    states.length = 0;
  };
  return { sink, readings, rejected, states, lines, clear };
}
