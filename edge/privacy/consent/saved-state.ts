import { renameSync } from 'node:fs';
import * as z from 'zod';
import type { Reading } from '../../../wire/reading.js';
import { readJson } from '../state-file.js';
import { ConsentSchema } from './consent.js';
import type { DeviceConsentState } from './device-consent.js';

const indexes = z.record(z.string(), z.bigint());
const OpenPeriodSchema = z.object({
  start: z.bigint(),
  end: z.bigint(),
  measurement: z.string(),
  tags: z.record(z.string(), z.string()),
  baseline: indexes,
  baselineTime: z.bigint(),
  last: indexes,
  lastTime: z.bigint(),
  before: indexes,
  samples: z.number(),
  apparentPowerSum: z.number(),
  apparentPowerCount: z.number(),
});
const PeriodStateSchema = z.object({
  open: OpenPeriodSchema.optional(),
  carry: z.object({ end: z.bigint(), last: indexes, lastTime: z.bigint() }).optional(),
});
const ReadingSchema = z.object({
  measurement: z.string(),
  tags: z.record(z.string(), z.string()),
  fields: z.record(z.string(), z.union([z.number(), z.bigint(), z.string(), z.boolean()])),
  time: z.bigint(),
});
const DeviceStateSchema = z.object({
  consent: ConsentSchema,
  pending: z.object({ consent: ConsentSchema, from: z.bigint().optional() }).optional(),
  periods: z.object({ daily: PeriodStateSchema.optional(), 'half-hourly': PeriodStateSchema.optional() }),
  lastReleased: z.object({ daily: ReadingSchema.optional(), 'half-hourly': ReadingSchema.optional() }),
});
export const SavedStateSchema = z.object({
  version: z.literal(1),
  devices: z.record(z.string(), DeviceStateSchema),
});

export interface SavedState {
  version: 1;
  devices: Record<string, DeviceConsentState>;
}

/**
 * The privacy stage's saved aggregation state. A file that cannot be used is moved aside (kept for
 * inspection, never silently overwritten) and the stage starts afresh, saying so.
 */
export function loadSavedState(path: string, report: (problem: string) => void): SavedState {
  let raw: unknown;
  try {
    raw = readJson(path);
  } catch (error) {
    return setAside(path, (error as Error).message, report);
  }
  if (raw === undefined) return { version: 1, devices: {} };
  const parsed = SavedStateSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return setAside(path, `${path}: key ${issue?.path.join('.') || '(root)'}: ${issue?.message}`, report);
  }
  return parsed.data as {
    version: 1;
    devices: Record<string, DeviceConsentState & { lastReleased: Partial<Record<string, Reading>> }>;
  };
}

function setAside(path: string, problem: string, report: (problem: string) => void): SavedState {
  const aside = `${path}.unreadable-${Date.now()}`;
  try {
    renameSync(path, aside);
    report(`${problem}; moved to ${aside}, aggregation starts afresh`);
  } catch (error) {
    report(`${problem}; could not move it aside (${(error as Error).message}), aggregation starts afresh`);
  }
  return { version: 1, devices: {} };
}
