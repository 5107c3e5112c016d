import * as z from 'zod';
import { serialLineOptions } from '../serial/index.js';

export const sds011Options = z
  .object({
    ...serialLineOptions({ baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 }),
    /** active: the sensor reports by itself; query: it answers each poll. */
    mode: z.enum(['active', 'query']).default('active'),
    /** 0: continuous (active mode reports every second); 1..30: one reading every n minutes, asleep between. */
    workingPeriodMin: z.number().int().min(0).max(30).default(0),
    /** Query mode: put the sensor to sleep between polls (saves its laser and fan) and wake it warmupS before reading. */
    sleepBetweenPolls: z.boolean().default(false),
    warmupS: z.number().min(0).max(120).default(30),
    /** Address one sensor by its id (4 hex digits, e.g. "A160"); default any sensor on the port. */
    sensorId: z
      .string()
      .regex(/^[0-9a-fA-F]{4}$/, 'sensorId: 4 hex digits, e.g. A160')
      .optional(),
    /** How long a poll waits for the data frame. */
    timeoutMs: z.number().int().positive().default(3_000),
  })
  .strict();

export type Sds011Options = z.infer<typeof sds011Options>;
