/**
 * What `GET /api/history` answers, shared by the broker's route and the page. Times in ms since the
 * epoch; one entry per InfluxDB series (measurement + tag set) of the gateway asked for.
 */
export const HISTORY_RANGES = ['1h', '24h', '7d'] as const;
export type HistoryRange = (typeof HISTORY_RANGES)[number];

export const RANGE_MS: Record<HistoryRange, number> = { '1h': 3_600_000, '24h': 86_400_000, '7d': 604_800_000 };

export interface HistorySeries {
  device: string;
  measurement: string;
  /** The series' own tags (lane, direction, class, meter, …): gateway, device and site left out. */
  tags: Record<string, string>;
  times: number[];
  /** Per field, one value per time (null where that field had none). */
  fields: Record<string, (number | null)[]>;
}

export interface LastReading {
  device: string;
  measurement: string;
  tags: Record<string, string>;
  time: number;
  fields: Record<string, number | string | boolean>;
}

export interface HistoryResponse {
  gateway: string;
  range: HistoryRange;
  /** Where the points come from: `raw` (per-bucket means of the readings) or `hourly` rollups. */
  source: string;
  /** Bucket width, ms. */
  stepMs: number;
  series: HistorySeries[];
  /** Each series' last reading as it was stored, to fill a device card before the next live one. */
  last: LastReading[];
  /** Why there is no history, when the broker has none to give. */
  note?: string;
}

/** The tags that place a reading (shown elsewhere), as opposed to those that tell series apart. */
export const PLACE_TAGS = new Set(['gateway', 'device', 'site']);

/** A stable key of a tag set, and its label for a legend ("lane 1 · in · car"). */
export function tagKey(tags: Record<string, string>): string {
  return Object.keys(tags)
    .filter((k) => !PLACE_TAGS.has(k) && tags[k] !== '')
    .sort()
    .map((k) => `${k}=${tags[k]}`)
    .join(',');
}

/** Lane first, then direction and class, then any other tag. */
const LABEL_ORDER = ['lane', 'direction', 'class'];
const rank = (k: string) => (LABEL_ORDER.includes(k) ? LABEL_ORDER.indexOf(k) : LABEL_ORDER.length);

export function tagLabel(tags: Record<string, string>): string {
  return Object.keys(tags)
    .filter((k) => !PLACE_TAGS.has(k) && tags[k] !== '')
    .sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : 1))
    .map((k) => (k === 'lane' ? `lane ${tags[k]}` : (tags[k] as string)))
    .join(' · ');
}
