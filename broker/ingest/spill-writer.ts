import type { Logger } from 'pino';
import { decodeLines } from '../../wire/index.js';
import { ensureSchema } from '../schema/index.js';
import type { IngestConfig } from './config.js';
import { type InfluxTarget, InfluxUnavailableError, writeLineProtocol } from './influx-writer.js';
import type { IngestStats } from './ingestor.js';
import type { Journal, JournalBatch } from './journal.js';
import type { LinkLog } from './link-log.js';
import type { IngestMetrics } from './metrics.js';

/** /write requests out at once: points are idempotent by series and time, so their order does not matter. */
const WRITES_IN_FLIGHT = 4;

export interface SpillWriterParts {
  journal: Journal;
  target: InfluxTarget;
  schema: Parameters<typeof ensureSchema>[0];
  /** Whether ensureSchema already succeeded at start. */
  schemaReady: boolean;
  batch: IngestConfig['batch'];
  retry: IngestConfig['retry'];
  stats: IngestStats;
  metrics: IngestMetrics;
  influxLink: LinkLog;
  log: Logger;
  /** Tells the operators' rejected topic what InfluxDB refused. */
  publishRejection: (body: Record<string, unknown>) => void;
}

/**
 * The spill queue → InfluxDB. Batches go out as the queue fills (up to WRITES_IN_FLIGHT at once);
 * a batch is forgotten only once InfluxDB has answered for it, retried with backoff until then.
 */
export class SpillWriter {
  private closing = false;
  private wake: (() => void) | undefined;
  /** When the oldest row not yet in a batch came (about). */
  private oldestQueuedAt: number;
  private inFlight = 0;
  private readonly writes = new Set<Promise<void>>();
  private readonly drainWaiters: (() => void)[] = [];
  /** The retry waits of the writes out; `close` cuts them short. */
  private readonly retryWaits = new Set<() => void>();
  private schemaReady: boolean;
  private readonly loop: Promise<void>;

  constructor(private readonly p: SpillWriterParts) {
    this.schemaReady = p.schemaReady;
    this.oldestQueuedAt = p.journal.rows > 0 ? 0 : Number.POSITIVE_INFINITY;
    this.loop = this.run();
  }

  /** Messages were committed to the spill queue: a batch may be due. */
  queued(messages: number): void {
    const { journal, batch } = this.p;
    if (this.oldestQueuedAt === Number.POSITIVE_INFINITY) this.oldestQueuedAt = Date.now();
    if (journal.untakenPoints >= batch.maxPoints || journal.untakenRows === messages) this.wake?.();
  }

  /** Resolves once the spill queue is empty (every queued point answered by InfluxDB). */
  drained(): Promise<void> {
    if (this.p.journal.rows === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.drainWaiters.push(resolve);
      this.oldestQueuedAt = 0;
      this.wake?.();
    });
  }

  /** Stops taking batches, cuts retry waits short and waits for the writes out. */
  async close(): Promise<void> {
    this.closing = true;
    this.wake?.();
    for (const cut of [...this.retryWaits]) cut();
    await this.loop;
  }

  private async run(): Promise<void> {
    const { journal, batch } = this.p;
    while (!this.closing) {
      if (journal.rows === 0) for (const w of this.drainWaiters.splice(0)) w();
      const wait = this.nextWriteIn();
      if (wait > 0) {
        await this.sleep(Math.min(wait, 60_000));
        continue;
      }
      this.startWrite(journal.take(batch.maxPoints)!);
      this.oldestQueuedAt = journal.untakenRows > 0 ? Date.now() : Number.POSITIVE_INFINITY;
    }
    await Promise.all(this.writes);
  }

  /**
   * A full batch goes at once (up to WRITES_IN_FLIGHT out, one while InfluxDB is failing); a partial
   * one waits maxDelayMs, and while a write is out it keeps filling instead.
   */
  private nextWriteIn(): number {
    const { journal, batch, stats } = this.p;
    if (journal.untakenRows === 0) return Number.POSITIVE_INFINITY;
    if (this.inFlight >= (stats.influxUp ? WRITES_IN_FLIGHT : 1)) return Number.POSITIVE_INFINITY;
    if (journal.untakenPoints >= batch.maxPoints || this.drainWaiters.length > 0) return 0;
    if (this.inFlight > 0) return Number.POSITIVE_INFINITY;
    return Math.max(0, batch.maxDelayMs - (Date.now() - this.oldestQueuedAt));
  }

  private startWrite(batch: JournalBatch): void {
    const { journal, stats, metrics } = this.p;
    this.inFlight++;
    const write = this.writeBatch(batch)
      .then(
        () => {
          journal.remove(batch);
          stats.backlog = journal.points;
          metrics.backlog.set(journal.points);
        },
        () => {}, // closing while InfluxDB is down: the batch stays queued for the next start
      )
      .finally(() => {
        this.inFlight--;
        this.writes.delete(write);
        this.wake?.();
      });
    this.writes.add(write);
  }

  private async writeBatch(batch: JournalBatch): Promise<void> {
    const { retry, stats, metrics, influxLink } = this.p;
    for (let delay = retry.minMs; ; delay = Math.min(delay * 2, retry.maxMs)) {
      try {
        await this.writeOnce(batch);
        return;
      } catch (e) {
        stats.writeFailures++;
        metrics.writeFailures.inc();
        influxLink.markDown(`write failed, batch kept: ${(e as Error).message}`);
        stats.influxUp = false;
        if (this.closing) throw e;
        await this.backoff(delay);
        if (this.closing) throw e;
      }
    }
  }

  /** One attempt: resolves when InfluxDB answered for every point (stored or refused). */
  private async writeOnce(batch: JournalBatch): Promise<void> {
    const { target, stats, metrics, influxLink } = this.p;
    if (!this.schemaReady) {
      await ensureSchema(this.p.schema);
      this.schemaReady = true;
    }
    const outcome = await writeLineProtocol(target, batch.text);
    if (outcome.kind === 'no-database') {
      this.schemaReady = false;
      throw new InfluxUnavailableError(outcome.reason);
    }
    stats.influxUp = true;
    stats.lastWriteAt = new Date();
    influxLink.markUp();
    let refused = 0;
    if (outcome.kind === 'partial') {
      refused = outcome.dropped;
      this.reportRefused(batch, outcome, outcome.conflicts);
    } else if (outcome.kind === 'refused') {
      refused = batch.points;
      this.reportRefused(batch, { reason: `${outcome.status} ${outcome.reason}`, dropped: batch.points }, []);
    }
    stats.pointsWritten += batch.points - refused;
    metrics.pointsWritten.inc(batch.points - refused);
  }

  private reportRefused(
    batch: JournalBatch,
    outcome: { reason: string; dropped: number },
    conflicts: { measurement: string; field: string; inputType: string }[],
  ): void {
    this.p.stats.pointsRefused += outcome.dropped;
    this.p.metrics.pointsRefused.inc(outcome.dropped);
    this.p.log.warn(
      { reason: outcome.reason, dropped: outcome.dropped },
      'InfluxDB refused points; the rest of the batch is stored',
    );
    const points = conflicts.length ? refusedLines(batch.text, conflicts) : [];
    this.p.publishRejection({ stage: 'influxdb', reason: outcome.reason, dropped: outcome.dropped, points });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  private backoff(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.retryWaits.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.retryWaits.add(done);
    });
  }
}

const typeOf = (v: unknown) =>
  typeof v === 'bigint' ? 'integer' : typeof v === 'number' ? 'float' : typeof v === 'string' ? 'string' : 'boolean';

/** The refused lines, where InfluxDB told enough (measurement, field, type) to find them; at most 100. */
function refusedLines(text: string, conflicts: { measurement: string; field: string; inputType: string }[]) {
  return decodeLines(text)
    .readings.filter((r) =>
      conflicts.some(
        (c) => r.measurement === c.measurement && c.field in r.fields && typeOf(r.fields[c.field]) === c.inputType,
      ),
    )
    .slice(0, 100)
    .map((r) => ({ measurement: r.measurement, tags: r.tags, time: r.time.toString() }));
}
