import * as z from 'zod';
import { serialLineOptions } from '../serial/index.js';

export const pms5003Options = z.strictObject({
  ...serialLineOptions({ baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 }),
  /** active: the sensor sends a frame every 200 ms to 2.3 s by itself; passive: one frame per poll. */
  mode: z.enum(['active', 'passive']).default('active'),
  /** How long a poll waits for a data frame. */
  timeoutMs: z.number().int().positive().default(3_000),
});

export type Pms5003Options = z.infer<typeof pms5003Options>;
