import type { Reading } from '../../wire/index.js';

/** A point of the `carbon` measurement (written to the `hourly` retention policy). */
export type CarbonPoint = Reading;

/** The carbon intensity of electricity used in the hour starting at `hourStartNs`. */
export type Intensity = (hourStartNs: bigint) => { gCo2ePerKwh: number; source: string };

/** GROUP BY * gives every tag key to every series, "" where a series has no such tag: drop those. */
export function nonEmptyTags(tags: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(tags ?? {}).filter(([, v]) => v !== ''));
}
