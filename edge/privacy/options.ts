import * as z from 'zod';
import { ConsentSchema } from './consent/consent.js';

/** The privacy stage's options, as the gateway config gives them (`privacy:` plus each device's `consent`). */
export const PrivacyOptionsSchema = z.object({
  /** The deployment's pseudonym key (raw bytes). Missing: created with 32 random bytes, mode 0600. */
  keyFile: z.string().min(1).optional(),
  /** Whether a missing key file may be created (false on gateways that must share a provisioned key). */
  createKey: z.boolean().default(true),
  /** Self-data devices and their owners' consent; other devices pass with pseudonyms only. */
  devices: z.array(z.object({ id: z.string().min(1), consent: ConsentSchema })).default([]),
  /** Where the aggregation state is kept across restarts (privacy-state.json). */
  stateDir: z.string().min(1).optional(),
  /** The zone whose local days the daily totals follow. */
  timeZone: z.string().default('Europe/Paris'),
  /** The gateway's location: self-data readings carry only its 200 m INSEE cell (`cell` tag). */
  location: z.object({ lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180) }).optional(),
  /** At most this long between two saves of the state while periods are open (ms). */
  saveEveryMs: z.number().int().positive().default(60_000),
});

export type PrivacyOptionsInput = z.input<typeof PrivacyOptionsSchema> & {
  /** Told once per problem (key missing, state unreadable, state not saved); never given a secret. */
  onProblem?: (message: string) => void;
};
