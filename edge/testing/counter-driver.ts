import * as z from 'zod';
import type { DeviceContext, DriverModule } from '../../drivers/driver.js';
import type { Reading } from '../../wire/reading.js';

/**
 * A driver for the agent's own tests: each device counts 0, 1, 2... and reports `seq` as an integer
 * field, either pushed every `periodMs` or on each poll. The time comes from `now` (the injectable clock).
 */
export function counterDriver(now: () => bigint = () => BigInt(Date.now()) * 1_000_000n): DriverModule {
  const options = z.strictObject({
    periodMs: z.number().int().positive().optional(),
    start: z.number().int().default(0),
    /** Stops pushing after this many readings. */
    limit: z.number().int().positive().optional(),
  });
  return {
    driver: {
      name: 'counter',
      description: 'test counter',
      mode: 'either',
      options,
      example: {},
      resources: () => [],
      // Its `counter` measurement is a test fixture, outside the catalogue: declared as emitting nothing.
      emits: () => [],
      async open(o: z.output<typeof options>, { deviceId, sink }: DeviceContext) {
        let seq = o.start;
        let lastTime = 0n;
        const emit = (): Reading => {
          let time = now();
          if (time <= lastTime) time = lastTime + 1n; // one point per series and timestamp
          lastTime = time;
          const reading: Reading = {
            measurement: 'counter',
            tags: { sensor: deviceId },
            fields: { seq: BigInt(seq++) },
            time,
          };
          sink.reading(reading);
          return reading;
        };
        const timer = o.periodMs
          ? setInterval(() => {
              if (o.limit === undefined || seq < o.start + o.limit) emit();
            }, o.periodMs)
          : undefined;
        return {
          poll: async () => [emit()],
          close: async () => clearInterval(timer),
        };
      },
    } as never,
  };
}

export function testDrivers(now?: () => bigint): Map<string, DriverModule> {
  return new Map([['counter', counterDriver(now)]]);
}
