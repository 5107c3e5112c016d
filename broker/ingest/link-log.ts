import type { Logger } from 'pino';

/**
 * One line per change of a link's state (the broker, InfluxDB), never one per retry: "unreachable
 * since T" when it goes, "back after N s with a backlog of M points" when it comes back.
 */
export class LinkLog {
  private state: 'unknown' | 'up' | 'down' = 'unknown';
  private since = Date.now();

  constructor(
    private readonly log: Logger,
    private readonly name: string,
    private readonly backlog: () => number,
  ) {}

  get up(): boolean {
    return this.state === 'up';
  }

  /** When the link went down (or the start, before it was ever up); undefined while up. */
  get downSince(): Date | undefined {
    return this.state === 'up' ? undefined : new Date(this.since);
  }

  markUp(fields: Record<string, unknown> = {}): void {
    if (this.state === 'up') return;
    const backlog = this.backlog();
    if (this.state === 'down') {
      const downS = Math.round((Date.now() - this.since) / 100) / 10;
      this.log.info({ ...fields, downS, backlog }, `${this.name} back after ${downS} s, backlog ${backlog} points`);
    } else this.log.info({ ...fields, backlog }, `${this.name} connected`);
    this.state = 'up';
    this.since = Date.now();
  }

  markDown(error: string): void {
    if (this.state === 'down') {
      this.log.debug({ err: error }, `${this.name} still unreachable`);
      return;
    }
    if (this.state === 'up') this.since = Date.now();
    this.state = 'down';
    const backlog = this.backlog();
    const since = new Date(this.since).toISOString();
    this.log.warn({ err: error, since, backlog }, `${this.name} unreachable since ${since}, backlog ${backlog} points`);
  }
}
