import * as z from 'zod';
import { serialLineOptions } from '../serial/index.js';
import { parseDurationS } from './duration.js';

export const trafficOptions = z
  .object({
    ...serialLineOptions({ baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 }),
    /** Aggregation period: "6m" (SIREDO's), "1m", "15m", "1h", or seconds. */
    period: z
      .union([z.string(), z.number()])
      .default('6m')
      .transform((value, ctx) => {
        try {
          return parseDurationS(value);
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: (error as Error).message });
          return z.NEVER;
        }
      }),
    /** The units the counter prints (Wavetronix default: mph and ft); output is always km/h and m. */
    speedUnit: z.enum(['mph', 'kmh']).default('mph'),
    lengthUnit: z.enum(['ft', 'm']).default('ft'),
    /** Which clock dates a vehicle: the counter's own (per-vehicle, ms, taken as UTC) or the gateway's on reception. */
    clock: z.enum(['device', 'gateway']).default('device'),
    /** A period is sent this long after it ended (gateway clock), if no later vehicle closed it before. */
    graceS: z.number().min(0).max(3600).default(10),
  })
  .strict();

export type TrafficOptions = z.infer<typeof trafficOptions>;
