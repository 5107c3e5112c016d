import { type EventView, eventKey, type FeedState } from '../feed/state.js';
import { type DashboardApi, type EventFilter, fromStored } from './api.js';

const POLL_MS = 5_000;

/**
 * The events a list shows: those the broker kept (read when the list opens, then polled for new ones,
 * which brings the broker's own gateway offline/online events) merged with what this page saw live.
 * An event seen both ways is shown once.
 */
export class EventLog {
  /** Kept events, newest first. */
  private kept: EventView[] = [];
  private lastId = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  private generation = 0;
  /** Bumped when the kept list changes. */
  version = 0;
  total = 0;
  /** Why the broker's events could not be read, if so. */
  problem: string | undefined;
  loaded = false;
  /** Gateways the broker has events of. */
  gateways: string[] = [];

  constructor(
    private readonly api: DashboardApi,
    private readonly feed: FeedState,
    private filter: EventFilter,
    private readonly max = 500,
  ) {}

  start(): void {
    this.reload();
    this.timer = setInterval(() => this.poll(), POLL_MS);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.generation++;
  }

  setFilter(filter: EventFilter): void {
    this.filter = filter;
    this.reload();
  }

  /** Newest first, at most `max`. */
  list(): EventView[] {
    const seen = new Set<string>();
    const out: EventView[] = [];
    for (const e of [...this.kept, ...this.feed.events.filter((e) => this.matches(e))]) {
      const key = eventKey(e);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(e);
    }
    out.sort((a, b) => b.receivedAt - a.receivedAt);
    return out.slice(0, this.max);
  }

  private matches(e: EventView): boolean {
    const f = this.filter;
    return (
      (!f.gateway || e.gateway === f.gateway) && (!f.device || e.device === f.device) && (!f.kind || e.type === f.kind)
    );
  }

  private reload(): void {
    const generation = ++this.generation;
    this.loaded = false;
    this.api.events({ ...this.filter, limit: this.max }).then(
      (page) => {
        if (generation !== this.generation) return;
        this.kept = page.events.map(fromStored);
        this.lastId = page.events[0]?.id ?? 0;
        this.total = page.total;
        this.gateways = page.gateways;
        this.problem = undefined;
        this.loaded = true;
        this.version++;
      },
      (e: Error) => this.fail(generation, e),
    );
  }

  private poll(): void {
    if (!this.loaded) {
      this.reload();
      return;
    }
    const generation = this.generation;
    this.api.events({ ...this.filter, after: this.lastId, limit: this.max }).then(
      (page) => {
        if (generation !== this.generation || page.events.length === 0) return;
        this.kept = [...page.events.map(fromStored).reverse(), ...this.kept].slice(0, this.max);
        this.lastId = page.events.at(-1)?.id ?? this.lastId;
        this.total = page.total;
        this.version++;
      },
      (e: Error) => this.fail(generation, e),
    );
  }

  private fail(generation: number, e: Error): void {
    if (generation !== this.generation) return;
    this.problem = `The broker's kept events could not be read: ${e.message}`;
    this.version++;
  }
}
