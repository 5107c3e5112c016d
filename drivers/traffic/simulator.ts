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

const pad = (n: number, width: number) => String(n).padStart(width, '0');
/** A signed decimal as the Click 512 prints it: four integer digits, one decimal (`0070.5`, `-47.6`). */
const decimal = (value: number) => (value < 0 ? `-${Math.abs(value).toFixed(1)}` : value.toFixed(1).padStart(6, '0'));

function stamp(ms: number): string {
  const t = new Date(ms);
  const date = `${t.getUTCFullYear()}:${pad(t.getUTCMonth() + 1, 2)}:${pad(t.getUTCDate(), 2)}`;
  return `${date},${pad(t.getUTCHours(), 2)}:${pad(t.getUTCMinutes(), 2)}:${pad(t.getUTCSeconds(), 2)}.${pad(t.getUTCMilliseconds(), 3)}`;
}

/** The device time of the n-th vehicle (1-based). */
function vehicleTimeMs(profile: CounterProfile, n: number): number {
  return profile.timeStepMs === undefined ? Date.now() : profile.startMs + (n - 1) * profile.timeStepMs;
}

/**
 * The n-th vehicle as the Click 512 prints it (user guide WX-501-0537, p. 5): mph and ft, lanes numbered
 * from 0 (the lane closest to the sensor), CR LF ended.
 */
export function vehicleLine(profile: CounterProfile, n: number, timeMs = vehicleTimeMs(profile, n)): string {
  const lane = n % profile.lanes;
  const vehicleClass = 1 + (n % 3);
  const length = [6.2, 15.8, 42.5][vehicleClass - 1] as number;
  const mph = 22 + ((n * 7) % 31) + 0.1 * (n % 10);
  const speed = n % 47 === 0 ? -mph : mph; // now and then a wrong-way vehicle
  const durationMs = Math.round(((length + 6) / (mph * 1.46667)) * 1000); // (length + zone) / speed in ft/s
  const fields = [decimal(speed), decimal(length), pad(durationMs, 8), decimal(18 + 12 * lane), pad(vehicleClass, 2)];
  return `${stamp(timeMs)},${pad(lane, 2)},${fields.join(',')}\r\n`;
}

/** The heartbeat line the module sends about every ten seconds (user guide p. 6): every value zero. */
export function heartbeatLine(timeMs: number): string {
  return `${stamp(timeMs)},00,0000.0,0000.0,00000000,0000.0,00\r\n`;
}

const HEARTBEAT_MS = 10_000;

/** The latest heartbeat due since the previous vehicle, if any: it goes before the vehicle line. */
function heartbeatSince(previousMs: number | undefined, timeMs: number): string {
  const mark = Math.floor(timeMs / HEARTBEAT_MS) * HEARTBEAT_MS;
  return previousMs !== undefined && mark > previousMs ? heartbeatLine(mark) : '';
}

/** The offset of the vehicle line in a frame (after its heartbeat, if any). */
const vehicleStart = (frame: Uint8Array) => frame.lastIndexOf(0x0a, frame.length - 2) + 1;

export function counterLines(profile: CounterProfile): FrameSource {
  let previousMs: number | undefined;
  return {
    frame(n) {
      const timeMs = vehicleTimeMs(profile, n);
      const heartbeat = heartbeatSince(previousMs, timeMs);
      previousMs = timeMs;
      return Buffer.from(heartbeat + vehicleLine(profile, n, timeMs), 'latin1');
    },
    // The format has no checksum: line noise shows as a corrupted field of the vehicle line.
    withBadChecksum: (frame) => {
      const at = vehicleStart(frame);
      const text = Buffer.from(frame.subarray(at)).toString('latin1').split(',');
      text[3] = `${text[3]?.slice(0, 1)}#${text[3]?.slice(2)}`;
      return Buffer.concat([frame.subarray(0, at), Buffer.from(text.join(','), 'latin1')]);
    },
    truncated: (frame) => frame.slice(0, vehicleStart(frame) + 15),
    syncBytes: [0x0a, 0x0d, 0x2c, 0x3a, ...'0123456789'.split('').map((c) => c.charCodeAt(0))],
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
  // The counter's clock runs a minute per vehicle, so that whole 6-minute periods close within the test.
  selfTest: ({ simulatorPort, driverPort }) => [
    {
      name: 'fast clock',
      args: ['--port', simulatorPort, '--interval', '20', '--start', '2030-01-01T08:00:00Z', '--time-step', '60000'],
      options: { port: driverPort, period: '6m' },
    },
  ],
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
