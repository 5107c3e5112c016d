import type { Reading } from '../../wire/reading.js';
import { nowNs } from '../../wire/reading.js';
import type { DeviceContext, DeviceHandle, DriverDefinition } from '../driver.js';
import { openSerialDevice, serialPortClaim, toSerialSettings } from '../serial/index.js';
import { Pms5003FrameDecoder } from './frame-decoder.js';
import { type Pms5003Options, pms5003Options } from './options.js';
import { commands } from './protocol.js';
import { PMS5003_FIELDS, toReading } from './reading.js';

async function open(options: Pms5003Options, context: DeviceContext): Promise<DeviceHandle> {
  const waiters = new Set<(reading: Reading) => void>();
  const decoder = new Pms5003FrameDecoder({
    frame(frame) {
      const reading = toReading(frame, nowNs());
      context.sink.reading(reading);
      for (const waiter of waiters) waiter(reading);
      waiters.clear();
    },
    rejected: (reason, detail) => context.sink.rejected(reason, detail),
  });
  const { owner, handle } = await openSerialDevice(toSerialSettings(options), context, decoder);
  // Set the mode each time the port comes (back) up: the sensor may have been power-cycled (active by default).
  const configure = () =>
    owner.write(commands.mode(options.mode)).catch((e) => context.sink.rejected('setup', (e as Error).message));
  owner.on('state', (state) => {
    if (state === 'up') void configure();
  });
  if (owner.isOpen) await configure();

  const nextReading = () =>
    new Promise<Reading>((resolve, reject) => {
      const done = (reading: Reading) => {
        clearTimeout(timer);
        resolve(reading);
      };
      const timer = setTimeout(() => {
        waiters.delete(done);
        reject(new Error(`pms5003 on ${options.port}: no data frame within ${options.timeoutMs} ms`));
      }, options.timeoutMs);
      waiters.add(done);
    });

  return {
    async poll() {
      const next = nextReading();
      next.catch(() => {}); // awaited below; a failed write must not leave it unhandled
      if (options.mode === 'passive') await owner.write(commands.read());
      return [await next];
    },
    close: handle.close,
  };
}

export const driver: DriverDefinition<Pms5003Options> = {
  name: 'pms5003',
  description: 'Plantower PMS5003 PM1/PM2.5/PM10 laser sensor on a serial port (9600 8N1), active or passive mode',
  mode: 'either',
  options: pms5003Options,
  example: { port: '/dev/ttyUSB3', mode: 'active' },
  resources: serialPortClaim,
  emits: () => [{ measurement: 'air_quality', fields: PMS5003_FIELDS }],
  // Active mode: a frame every 2.3 s at most (the manual's "stable mode"); 10 s without one is a sensor gone.
  silenceMs: (options) => (options.mode === 'active' ? 10_000 : undefined),
  open,
};
