import type { Command } from 'commander';
import type { SimulatorDefinition } from '../driver.js';
import {
  describeSerialSimulator,
  durationMs,
  type SerialSimulatorOptions,
  type SimulatorStats,
  serialSimulatorOptions,
} from '../serial/faults.js';
import { describeStats, type FrameSource, runFrameSimulator } from '../serial/simulator-loop.js';

export interface CounterProfile {
  lanes: number;
  /** Device clock of the first vehicle, ms since the epoch; each next one `timeStepMs` later. */
  startMs: number;
  /** Device time between vehicles; undefined: the wall clock at each vehicle. */
  timeStepMs?: number;
}

const two = (n: number) => String(n).padStart(2, '0');

/** The n-th vehicle (1-based) as the counter prints it, mph and ft, CR LF ended. */
export function vehicleLine(profile: CounterProfile, n: number): string {
  const time = new Date(profile.timeStepMs === undefined ? Date.now() : profile.startMs + (n - 1) * profile.timeStepMs);
  const date = `${time.getUTCFullYear()}-${two(time.getUTCMonth() + 1)}-${two(time.getUTCDate())}`;
  const clock = `${two(time.getUTCHours())}:${two(time.getUTCMinutes())}:${two(time.getUTCSeconds())}.${String(time.getUTCMilliseconds()).padStart(3, '0')}`;
  const lane = 1 + (n % profile.lanes);
  const vehicleClass = 1 + (n % 3);
  const length = [6.2, 15.8, 42.5][vehicleClass - 1] as number;
  const mph = 22 + ((n * 7) % 31) + 0.1 * (n % 10);
  const speed = n % 47 === 0 ? -mph : mph; // now and then a wrong-way vehicle
  const durationMs = Math.round(((length + 6) / (mph * 1.46667)) * 1000); // (length + zone) / speed in ft/s
  return `${date},${clock},${lane},${speed.toFixed(1)},${length.toFixed(1)},${durationMs},${18 + 12 * lane},${vehicleClass}\r\n`;
}

export function counterLines(profile: CounterProfile): FrameSource {
  return {
    frame: (n) => Buffer.from(vehicleLine(profile, n), 'latin1'),
    // The format has no checksum: line noise shows as a corrupted field.
    withBadChecksum: (frame) => {
      const text = Buffer.from(frame).toString('latin1').split(',');
      text[3] = `${text[3]?.slice(0, 1)}#${text[3]?.slice(2)}`;
      return Buffer.from(text.join(','), 'latin1');
    },
    truncated: (frame) => frame.slice(0, 15),
    syncBytes: [0x0a, 0x0d, 0x2c, ...'0123456789'.split('').map((c) => c.charCodeAt(0))],
  };
}

export function runTrafficSimulator(
  options: SerialSimulatorOptions,
  profile: CounterProfile,
  signal: AbortSignal,
): Promise<SimulatorStats> {
  return runFrameSimulator(options, counterLines(profile), signal);
}

export const simulator: SimulatorDefinition = {
  describe(command: Command) {
    describeSerialSimulator(command, { baudRate: 9600, intervalMs: 800 });
    command
      .option('--lanes <n>', 'number of lanes', '2')
      .option('--start <iso>', 'device clock of the first vehicle (default: the wall clock of each vehicle)')
      .option('--time-step <duration>', 'device time between vehicles, with --start (default: --interval)');
  },
  async run(raw, signal) {
    const options = serialSimulatorOptions(raw);
    const lanes = Number(raw.lanes ?? 2);
    if (!Number.isInteger(lanes) || lanes < 1 || lanes > 16) throw new Error(`--lanes: "${raw.lanes}" is not 1 to 16`);
    let profile: CounterProfile = { lanes, startMs: Date.now() };
    if (raw.start !== undefined) {
      const startMs = Date.parse(String(raw.start));
      if (Number.isNaN(startMs)) throw new Error(`--start: "${raw.start}" is not an ISO date and time`);
      const step = durationMs(raw.timeStep ?? options.intervalMs, 'time-step');
      profile = { lanes, startMs, timeStepMs: step };
    }
    const stats = await runTrafficSimulator(options, profile, signal);
    process.stderr.write(`${describeStats(stats)}\n`);
  },
};
