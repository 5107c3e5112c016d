import * as z from 'zod';
import type { Granularity } from './periods.js';

/**
 * What a self-data device's owner consented to: `none` (withdrawn: nothing leaves), `daily` (one
 * energy reading per local day, the default the CNIL allows without consent for load curves),
 * `half-hourly` (the load curve: 30-minute energy and mean power), `raw` (readings as read).
 */
export const ConsentSchema = z.enum(['none', 'daily', 'half-hourly', 'raw']);
export type Consent = z.infer<typeof ConsentSchema>;

const RANK: Record<Consent, number> = { none: 0, daily: 1, 'half-hourly': 2, raw: 3 };

/** True when `to` lets finer data leave than `from` does. */
export function widens(from: Consent, to: Consent): boolean {
  return RANK[to] > RANK[from];
}

/**
 * The aggregates a consent level releases. The daily total is released at every level but `none`:
 * it says less than the half-hourly curve or the raw readings, and gives every self-data meter one
 * comparable series (the open-data export sums it).
 */
export function granularitiesOf(consent: Consent): Granularity[] {
  if (consent === 'none') return [];
  if (consent === 'half-hourly') return ['daily', 'half-hourly'];
  return ['daily'];
}
