import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

/**
 * What happened on the fleet, kept by the broker so an operator who opens the page after a night
 * alert still finds it: events the gateways sent, and the broker's own gateway offline/online
 * transitions. SQLite (the project already ships it): rows survive a broker restart or kill -9 (WAL),
 * filters by gateway, device and kind are indexed lookups, and the bound is one DELETE by id.
 */
export interface StoredEvent {
  id: number;
  /** When it happened (the gateway's time for its own events), ms since the epoch. */
  time: number;
  /** When the broker recorded it, ms since the epoch by the broker's clock. */
  receivedAt: number;
  gateway: string;
  device?: string;
  /** A wire event type (device_down, frame_rejected, …) or the broker's gateway_offline / gateway_online. */
  kind: string;
  reason?: string;
  count?: number;
  /** gateway_online: how long the gateway had been offline; gateway_offline: how long it had been online. */
  durationMs?: number;
}

export type NewEvent = Omit<StoredEvent, 'id'>;

export interface EventQuery {
  gateway?: string;
  device?: string;
  kind?: string;
  /** Only events with an id below this one (paging back), or above (polling for new ones). */
  before?: number;
  after?: number;
  limit?: number;
}

export interface GatewayPresence {
  gateway: string;
  state: 'online' | 'offline';
  since: number;
}

interface Row {
  id: number;
  time: number;
  received_at: number;
  gateway: string;
  device: string | null;
  kind: string;
  reason: string | null;
  count: number | null;
  duration_ms: number | null;
}

export const MAX_QUERY_LIMIT = 1000;

export class EventStore {
  private readonly db: Database.Database;
  private readonly insertRow: Database.Statement;
  private readonly trim: Database.Statement<[number]>;
  private inserted = 0;

  /** `path` ':memory:' keeps events for the life of the process only. */
  constructor(
    readonly path: string,
    readonly maxEvents = 100_000,
  ) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS events (
        id INTEGER PRIMARY KEY AUTOINCREMENT, time INTEGER NOT NULL, received_at INTEGER NOT NULL,
        gateway TEXT NOT NULL, device TEXT, kind TEXT NOT NULL, reason TEXT, count INTEGER, duration_ms INTEGER);
      CREATE INDEX IF NOT EXISTS events_gateway ON events (gateway, id);
      CREATE INDEX IF NOT EXISTS events_kind ON events (kind, id);
      CREATE TABLE IF NOT EXISTS presence (gateway TEXT PRIMARY KEY, state TEXT NOT NULL, since INTEGER NOT NULL);
    `);
    this.insertRow = this.db.prepare(
      'INSERT INTO events (time, received_at, gateway, device, kind, reason, count, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.trim = this.db.prepare('DELETE FROM events WHERE id <= ?');
    this.enforceBound();
  }

  add(event: NewEvent): number {
    const info = this.insertRow.run(
      event.time,
      event.receivedAt,
      event.gateway,
      event.device ?? null,
      event.kind,
      event.reason ?? null,
      event.count ?? null,
      event.durationMs ?? null,
    );
    // Trimming on every insert would cost a DELETE each time; every 1% of the bound is enough.
    if (++this.inserted % Math.max(1, Math.floor(this.maxEvents / 100)) === 0) this.enforceBound();
    return Number(info.lastInsertRowid);
  }

  /** Newest first, or oldest first when polling with `after`. */
  query(q: EventQuery = {}): StoredEvent[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (q.gateway) where.push('gateway = ?') && args.push(q.gateway);
    if (q.device) where.push('device = ?') && args.push(q.device);
    if (q.kind) where.push('kind = ?') && args.push(q.kind);
    if (q.before !== undefined) where.push('id < ?') && args.push(q.before);
    if (q.after !== undefined) where.push('id > ?') && args.push(q.after);
    const limit = Math.min(Math.max(1, q.limit ?? 200), MAX_QUERY_LIMIT);
    const order = q.after !== undefined ? 'ASC' : 'DESC';
    const sql = `SELECT * FROM events ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id ${order} LIMIT ${limit}`;
    return (this.db.prepare(sql).all(...args) as Row[]).map(fromRow);
  }

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
  }

  /** The gateways and devices seen in events, for the page's filters. */
  gateways(): string[] {
    return (this.db.prepare('SELECT DISTINCT gateway FROM events ORDER BY gateway').all() as { gateway: string }[]).map(
      (r) => r.gateway,
    );
  }

  presence(gateway: string): GatewayPresence | undefined {
    const row = this.db.prepare('SELECT gateway, state, since FROM presence WHERE gateway = ?').get(gateway);
    return row as GatewayPresence | undefined;
  }

  setPresence(p: GatewayPresence): void {
    this.db
      .prepare(
        'INSERT INTO presence (gateway, state, since) VALUES (?, ?, ?) ON CONFLICT (gateway) DO UPDATE SET state = excluded.state, since = excluded.since',
      )
      .run(p.gateway, p.state, p.since);
  }

  close(): void {
    this.enforceBound();
    this.db.close();
  }

  private enforceBound(): void {
    const row = this.db.prepare('SELECT MAX(id) AS top FROM events').get() as { top: number | null };
    if (row.top !== null && row.top > this.maxEvents) this.trim.run(row.top - this.maxEvents);
  }
}

function fromRow(r: Row): StoredEvent {
  const e: StoredEvent = { id: r.id, time: r.time, receivedAt: r.received_at, gateway: r.gateway, kind: r.kind };
  if (r.device !== null) e.device = r.device;
  if (r.reason !== null) e.reason = r.reason;
  if (r.count !== null) e.count = r.count;
  if (r.duration_ms !== null) e.durationMs = r.duration_ms;
  return e;
}
