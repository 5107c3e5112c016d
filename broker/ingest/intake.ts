import type { Logger } from 'pino';
import type { Topics } from '../../wire/index.js';
import type { IngestStats } from './ingestor.js';
import type { Journal } from './journal.js';
import { decodeDataMessage } from './message.js';
import type { IngestMetrics } from './metrics.js';

export interface SpillIntakeParts {
  topics: Topics;
  journal: Journal;
  maxSpillPoints: number | undefined;
  stats: IngestStats;
  metrics: IngestMetrics;
  log: Logger;
  /** Called after each commit to the spill queue, with the number of messages committed. */
  onQueued: (messages: number) => void;
  publishRejection: (body: Record<string, unknown>) => void;
}

/** What of a data message goes to the spill queue: its lines, tagged with gateway and device. */
export interface Intake {
  lines: string;
  points: number;
}

/**
 * Data messages → the spill queue, whichever way they come (an MQTT subscription, or in the broker's
 * process straight from aedes): each is decoded and counted, what is rejected is reported, and what is
 * kept is committed in groups. The caller acknowledges a message only after its group's commit.
 */
export class SpillIntake {
  /** Points decoded and not yet committed: they count against spill.maxPoints. */
  private uncommitted = 0;

  constructor(private readonly p: SpillIntakeParts) {}

  /** Whether the queue is at spill.maxPoints: hold acknowledgements until it shrinks. */
  full(): boolean {
    const max = this.p.maxSpillPoints;
    return max !== undefined && this.p.journal.points + this.uncommitted >= max;
  }

  /** Decodes and counts one message; undefined when no line of it is kept (acknowledge it at once). */
  decode(topic: string, payload: Buffer | string): Intake | undefined {
    const { stats, metrics } = this.p;
    stats.messages++;
    metrics.messages.inc();
    const decoded = decodeDataMessage(
      this.p.topics,
      topic,
      typeof payload === 'string' ? Buffer.from(payload) : payload,
    );
    if (decoded.rejection) {
      stats.messagesRejected++;
      stats.linesRejected += decoded.rejection.errors.length;
      metrics.messagesRejected.inc();
      metrics.linesRejected.inc(decoded.rejection.errors.length);
      this.p.publishRejection({ stage: 'decode', topic, ...decoded.rejection, accepted: decoded.points });
    }
    if (decoded.uncatalogued) {
      metrics.uncatalogued.inc(decoded.uncatalogued.length);
      this.p.log.debug({ topic, uncatalogued: decoded.uncatalogued }, 'fields outside the catalogue');
    }
    if (decoded.points === 0) return undefined;
    this.uncommitted += decoded.points;
    return { lines: decoded.lines, points: decoded.points };
  }

  /** One transaction for the group; throws when it could not (then acknowledge none of them). */
  commit(items: readonly Intake[]): void {
    const { journal, stats, metrics } = this.p;
    journal.appendMany(items);
    const points = this.forget(items);
    stats.pointsQueued += points;
    metrics.pointsQueued.inc(points);
    stats.backlog = journal.points;
    metrics.backlog.set(journal.points);
    this.p.onQueued(items.length);
  }

  /** Items that will not be committed (the broker sends them again): no longer counted as coming. */
  forget(items: readonly Intake[]): number {
    const points = items.reduce((n, m) => n + m.points, 0);
    this.uncommitted -= points;
    return points;
  }
}
