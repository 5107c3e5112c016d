import type { Command } from 'commander';
import type { SimulatorDefinition } from '../driver.js';
import {
  describeSerialSimulator,
  emptyStats,
  faultFor,
  garbageBytes,
  pause,
  type SerialSimulatorOptions,
  type SimulatorStats,
  serialSimulatorOptions,
} from '../serial/faults.js';
import { describeStats, openSimulatorPort } from '../serial/simulator-loop.js';
import {
  CMD_FIRMWARE,
  CMD_QUERY_DATA,
  CMD_REPORTING_MODE,
  CMD_SLEEP_WORK,
  CMD_WORKING_PERIOD,
  COMMAND,
  COMMAND_LENGTH,
  checksum,
  dataFrame,
  HEAD,
  REPLY,
  sensorFrame,
  TAIL,
} from './protocol.js';

export interface Sds011SimulatorOptions extends SerialSimulatorOptions {
  mode: 'active' | 'query';
  deviceId: number;
  pm25: number;
  /** Told each command the sensor obeys ("work", "sleep", "query", "mode active", "period 0"…), for tests. */
  observe?: (command: string) => void;
}

/** The values of the n-th data frame: a slow sawtooth around the base, PM10 about 1.6 × PM2.5. */
export function simulatedValues(n: number, pm25 = 12): { pm2_5: number; pm10: number } {
  const pm2_5 = Math.round((pm25 + (n % 40) / 10) * 10) / 10;
  return { pm2_5, pm10: Math.round(pm2_5 * 16) / 10 };
}

/**
 * An SDS011 on a serial port: in active mode a data frame every interval; it obeys the host's
 * commands (reporting mode, query, sleep/work, working period, firmware) as the real sensor does, so
 * the driver's query mode can be tested. Faults apply to data frames.
 */
export async function runSds011Simulator(
  options: Sds011SimulatorOptions,
  signal: AbortSignal,
): Promise<SimulatorStats> {
  const stats = emptyStats();
  const owner = await openSimulatorPort(options, {}, signal);
  let mode = options.mode;
  let working = true;
  let sent = 0;
  const done = new AbortController();
  const stop = AbortSignal.any([signal, done.signal]);

  const sendData = async () => {
    const n = ++sent;
    const { pm2_5, pm10 } = simulatedValues(n, options.pm25);
    const good = dataFrame(pm2_5, pm10, options.deviceId);
    const fault = faultFor(n, options.faults);
    let bytes = good;
    if (fault === 'checksum') bytes = Uint8Array.from(good, (b, i) => (i === 8 ? (b + 1) & 0xff : b));
    else if (fault === 'truncated') bytes = good.slice(0, 5);
    else if (fault === 'garbage') bytes = Buffer.concat([garbageBytes(8 + (n % 24), [HEAD]), good]);
    else if (fault === 'silence') await pause(options.faults.silenceMs, stop);
    const written = await owner.write(bytes).then(
      () => true,
      () => false,
    );
    if (written) {
      if (fault) stats[fault]++;
      if (fault !== 'checksum' && fault !== 'truncated') stats.good++;
    }
    if (options.count > 0 && n >= options.count) done.abort();
  };

  const reply = (data4: number[]) => owner.write(sensorFrame(REPLY, data4, options.deviceId)).catch(() => {});
  let pending = Buffer.alloc(0);
  owner.on('data', (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    for (;;) {
      const start = pending.indexOf(HEAD);
      if (start < 0 || pending.length - start < COMMAND_LENGTH) break;
      const cmd = pending.subarray(start, start + COMMAND_LENGTH);
      const valid = cmd[1] === COMMAND && cmd[18] === TAIL && cmd[17] === checksum(cmd, 2, 17);
      pending = pending.subarray(valid ? start + COMMAND_LENGTH : start + 1);
      if (!valid) continue;
      const target = ((cmd[15] as number) << 8) | (cmd[16] as number);
      if (target !== 0xffff && target !== options.deviceId) continue;
      const [op, set, value] = [cmd[2] as number, cmd[3] === 1, cmd[4] as number];
      if (op === CMD_REPORTING_MODE) {
        if (set) mode = value === 1 ? 'query' : 'active';
        if (set) options.observe?.(`mode ${mode}`);
        void reply([op, cmd[3] as number, mode === 'query' ? 1 : 0, 0]);
      } else if (op === CMD_QUERY_DATA) {
        options.observe?.(working ? 'query' : 'query ignored (asleep)');
        if (working && !stop.aborted) void sendData();
      } else if (op === CMD_SLEEP_WORK) {
        if (set) working = value === 1;
        if (set) options.observe?.(working ? 'work' : 'sleep');
        void reply([op, cmd[3] as number, working ? 1 : 0, 0]);
      } else if (op === CMD_WORKING_PERIOD) {
        if (set) options.observe?.(`period ${value}`);
        void reply([op, cmd[3] as number, value, 0]);
      } else if (op === CMD_FIRMWARE) {
        void reply([op, 0x0f, 0x07, 0x0a]); // firmware 15-07-10, the protocol document's example
      }
    }
  });

  try {
    while (!stop.aborted) {
      if (mode === 'active' && working) await sendData();
      await pause(options.intervalMs, stop);
    }
    await pause(200, signal);
    return stats;
  } finally {
    await owner.close();
  }
}

export const simulator: SimulatorDefinition = {
  describe(command: Command) {
    describeSerialSimulator(command, { baudRate: 9600, intervalMs: 1000 });
    command
      .option('--mode <mode>', 'reporting mode at power-up: active | query (the host can change it)', 'active')
      .option('--sensor-id <hex>', 'the sensor id bytes, 4 hex digits', 'A160')
      .option('--pm25 <ugm3>', 'base PM2.5 value', '12');
  },
  selfTest: ({ simulatorPort, driverPort }) => [
    { name: 'active', args: ['--port', simulatorPort, '--interval', '50'], options: { port: driverPort } },
  ],
  async run(raw, signal) {
    const mode = raw.mode === 'query' ? 'query' : 'active';
    if (raw.mode !== undefined && raw.mode !== mode) throw new Error(`--mode: "${raw.mode}" is not active or query`);
    const deviceId = Number.parseInt(String(raw.sensorId ?? 'A160'), 16);
    if (!(deviceId >= 0 && deviceId <= 0xffff)) throw new Error(`--sensor-id: "${raw.sensorId}" is not 4 hex digits`);
    const pm25 = Number(raw.pm25 ?? 12);
    if (!Number.isFinite(pm25) || pm25 < 0) throw new Error(`--pm25: "${raw.pm25}" is not a number ≥ 0`);
    const stats = await runSds011Simulator({ ...serialSimulatorOptions(raw), mode, deviceId, pm25 }, signal);
    process.stderr.write(`${describeStats(stats)}\n`);
  },
};
