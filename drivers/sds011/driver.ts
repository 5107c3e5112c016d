import type { Reading } from '../../wire/reading.js';
import { nowNs } from '../../wire/reading.js';
import type { DeviceContext, DeviceHandle, DriverDefinition } from '../driver.js';
import { openSerialDevice, serialPortClaim, toSerialSettings } from '../serial/index.js';
import { Sds011FrameDecoder } from './frame-decoder.js';
import { type Sds011Options, sds011Options } from './options.js';
import { commands } from './protocol.js';
import { toReading } from './reading.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function open(options: Sds011Options, context: DeviceContext): Promise<DeviceHandle> {
  const id = options.sensorId ? Number.parseInt(options.sensorId, 16) : undefined;
  const waiters = new Set<(reading: Reading) => void>();
  const decoder = new Sds011FrameDecoder({
    frame(frame) {
      if (frame.kind !== 'data') return; // replies to our set-up commands
      const reading = toReading(frame, nowNs());
      context.sink.reading(reading);
      for (const waiter of waiters) waiter(reading);
      waiters.clear();
    },
    rejected: (reason, detail) => context.sink.rejected(reason, detail),
  });
  const { owner, handle } = await openSerialDevice(toSerialSettings(options), context, decoder);

  // Set the sensor up each time the port comes (back) up: it may have been power-cycled with the adapter.
  const configure = async () => {
    await owner.write(commands.setWorking(true, id));
    await owner.write(commands.setReportingMode(options.mode, id));
    await owner.write(commands.setWorkingPeriod(options.workingPeriodMin, id));
    if (options.mode === 'query' && options.sleepBetweenPolls) await owner.write(commands.setWorking(false, id));
  };
  owner.on('state', (state) => {
    if (state === 'up') configure().catch((error) => context.sink.rejected('setup', (error as Error).message));
  });
  if (owner.isOpen) await configure().catch((error) => context.sink.rejected('setup', (error as Error).message));

  const nextReading = () =>
    new Promise<Reading>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(done);
        reject(new Error(`sds011 on ${options.port}: no data frame within ${options.timeoutMs} ms`));
      }, options.timeoutMs);
      const done = (reading: Reading) => {
        clearTimeout(timer);
        resolve(reading);
      };
      waiters.add(done);
    });

  return {
    async poll() {
      if (options.mode === 'active') return [await nextReading()];
      if (options.sleepBetweenPolls) {
        await owner.write(commands.setWorking(true, id));
        await sleep(options.warmupS * 1000);
      }
      try {
        const next = nextReading();
        next.catch(() => {}); // awaited below; a failed write must not leave it unhandled
        await owner.write(commands.queryData(id));
        return [await next];
      } finally {
        if (options.sleepBetweenPolls) await owner.write(commands.setWorking(false, id)).catch(() => {});
      }
    },
    counters: handle.counters,
    close: handle.close,
  };
}

/**
 * Active mode: a data frame every second when continuous (datasheet V1.3, "working period": 0), else
 * one per period of n minutes; down after 10 s of silence, or two periods and a minute. Query mode is polled.
 */
function sds011SilenceMs(options: Sds011Options): number | undefined {
  if (options.mode !== 'active') return undefined;
  return options.workingPeriodMin === 0 ? 10_000 : (2 * options.workingPeriodMin + 1) * 60_000;
}

export const driver: DriverDefinition<Sds011Options> = {
  name: 'sds011',
  description: 'Nova Fitness SDS011 PM2.5/PM10 sensor on a serial port (9600 8N1), active or query mode',
  mode: 'either',
  options: sds011Options,
  example: { port: '/dev/ttyUSB1', mode: 'active' },
  resources: serialPortClaim,
  emits: () => [{ measurement: 'air_quality', fields: ['pm2_5_ugm3', 'pm10_ugm3'] }],
  silenceMs: sds011SilenceMs,
  open,
};
