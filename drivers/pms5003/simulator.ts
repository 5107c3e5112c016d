import type { Command } from 'commander';
import type { SimulatorDefinition } from '../driver.js';
import { describeSerialSimulator, type SerialSimulatorOptions, serialSimulatorOptions } from '../serial/faults.js';
import { describeStats, type FrameSource, runFrameSimulator } from '../serial/simulator-loop.js';
import { dataFrame, FRAME_LENGTH, type Pms5003Frame, START_1 } from './protocol.js';

/** The n-th frame's values: a slow sawtooth around `pm25`; CF=1 a little above the atmospheric values. */
export function simulatedFrame(n: number, pm25 = 12): Pms5003Frame {
  const pm2_5 = Math.round(pm25 + (n % 20) / 2);
  const atmospheric = { pm1: Math.round(pm2_5 * 0.7), pm2_5, pm10: Math.round(pm2_5 * 1.4) };
  const cf1 = { pm1: atmospheric.pm1 + 1, pm2_5: pm2_5 + 2, pm10: atmospheric.pm10 + 2 };
  const counts: Pms5003Frame['counts'] = [pm2_5 * 150, pm2_5 * 45, pm2_5 * 8, pm2_5, Math.round(pm2_5 / 4), 0];
  return { cf1, atmospheric, counts };
}

export function pms5003Frames(pm25: number): FrameSource {
  return {
    frame: (n) => dataFrame(simulatedFrame(n, pm25)),
    withBadChecksum: (frame) => Uint8Array.from(frame, (b, i) => (i === FRAME_LENGTH - 1 ? (b + 1) & 0xff : b)),
    truncated: (frame) => frame.slice(0, 12),
    syncBytes: [START_1],
  };
}

/** An active-mode PMS5003 on a serial port: a data frame every interval, with the planned faults. */
export function runPms5003Simulator(options: SerialSimulatorOptions, pm25: number, signal: AbortSignal) {
  return runFrameSimulator(options, pms5003Frames(pm25), signal);
}

export const simulator: SimulatorDefinition = {
  describe(command: Command) {
    describeSerialSimulator(command, { baudRate: 9600, intervalMs: 1000 });
    command.option('--pm25 <ugm3>', 'base PM2.5 value (atmospheric)', '12');
  },
  selfTest: ({ simulatorPort, driverPort }) => [
    { name: 'active', args: ['--port', simulatorPort, '--interval', '50'], options: { port: driverPort } },
  ],
  async run(raw, signal) {
    const pm25 = Number(raw.pm25 ?? 12);
    if (!Number.isFinite(pm25) || pm25 < 0 || pm25 > 900) throw new Error(`--pm25: "${raw.pm25}" is not 0 to 900`);
    const stats = await runPms5003Simulator(serialSimulatorOptions(raw), pm25, signal);
    process.stderr.write(`${describeStats(stats)}\n`);
  },
};
