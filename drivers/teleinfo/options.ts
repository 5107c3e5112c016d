import * as z from 'zod';
import { serialLineOptions } from '../serial/index.js';
import { BAUD_RATE, type TeleinfoMode } from './protocol.js';

const line = serialLineOptions({ baudRate: 1200, dataBits: 7, parity: 'even', stopBits: 1 });

export const teleinfoOptions = z
  .object({
    ...line,
    /** historique (meters' default, 1200 baud) or standard (Linky, 9600 baud). */
    mode: z.enum(['historique', 'standard']).default('historique'),
    /** Defaults to the mode's rate: 1200 historique, 9600 standard. */
    baudRate: z.number().int().positive().optional(),
  })
  .strict();

export type TeleinfoOptions = z.infer<typeof teleinfoOptions>;

export function baudRateOf(options: { mode: TeleinfoMode; baudRate?: number }): number {
  return options.baudRate ?? BAUD_RATE[options.mode];
}
