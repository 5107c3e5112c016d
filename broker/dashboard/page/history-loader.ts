import { type HistoryRange, type HistoryResponse, RANGE_MS, tagKey, tagLabel } from '../feed/history.js';
import type { DashboardApi } from './api.js';

/** A device's stored points of one field, per tag set. */
export interface StoredLine {
  label: string;
  times: number[];
  values: (number | null)[];
}

/** device → field → tag-set key → points */
export type StoredPoints = Map<string, Map<string, Map<string, StoredLine>>>;

/**
 * A gateway's history for the range chosen, read from the broker when the view opens and again every
 * minute or two: the page's own live ring covers the last 5 minutes, so the two always meet.
 */
export class HistoryLoader {
  points: StoredPoints = new Map();
  response: HistoryResponse | undefined;
  problem: string | undefined;
  loading = false;
  version = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  private generation = 0;

  constructor(
    private readonly api: DashboardApi,
    private readonly gateway: string,
    public range: HistoryRange,
    private readonly onLoaded: (response: HistoryResponse) => void,
  ) {}

  start(): void {
    this.load();
    this.timer = setInterval(() => this.load(), this.range === '1h' ? 60_000 : 120_000);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.generation++;
  }

  setRange(range: HistoryRange): void {
    this.stop();
    this.range = range;
    this.points = new Map();
    this.response = undefined;
    this.version++;
    this.start();
  }

  get rangeMs(): number {
    return RANGE_MS[this.range];
  }

  private load(): void {
    const generation = ++this.generation;
    this.loading = true;
    this.api.history(this.gateway, this.range).then(
      (response) => {
        if (generation !== this.generation) return;
        this.loading = false;
        this.problem = undefined;
        this.response = response;
        this.points = index(response);
        this.version++;
        this.onLoaded(response);
      },
      (e: Error) => {
        if (generation !== this.generation) return;
        this.loading = false;
        this.problem = `History could not be read: ${e.message}`;
        this.version++;
      },
    );
  }
}

function index(response: HistoryResponse): StoredPoints {
  const out: StoredPoints = new Map();
  for (const s of response.series) {
    let byField = out.get(s.device);
    if (!byField) {
      byField = new Map();
      out.set(s.device, byField);
    }
    const key = tagKey(s.tags);
    for (const [field, values] of Object.entries(s.fields)) {
      let byTags = byField.get(field);
      if (!byTags) {
        byTags = new Map();
        byField.set(field, byTags);
      }
      byTags.set(key, { label: tagLabel(s.tags), times: s.times, values });
    }
  }
  return out;
}
