import type { Reading } from '../../wire/reading.js';
import type { DeviceSink, DeviceState } from '../driver.js';

/** A DeviceSink that keeps everything it is given: for tests and one-shot commands. */
export interface RecordingSink extends DeviceSink {
  readings: Reading[];
  rejections: { reason: string; detail?: string }[];
  states: { state: DeviceState; reason?: string }[];
  /** Rejections counted by reason. */
  rejectedBy(reason: string): number;
}

export function recordingSink(): RecordingSink {
  const sink: RecordingSink = {
    readings: [],
    rejections: [],
    states: [],
    reading: (reading) => void sink.readings.push(reading),
    rejected: (reason, detail) => void sink.rejections.push({ reason, detail }),
    state: (state, reason) => void sink.states.push({ state, reason }),
    rejectedBy: (reason) => sink.rejections.filter((r) => r.reason === reason).length,
  };
  return sink;
}
