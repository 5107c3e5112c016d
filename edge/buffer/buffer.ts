import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { encodeLine } from '../../wire/line-protocol/encode.js';
import type { Reading } from '../../wire/reading.js';
import { BUFFER_SCHEMA, ROW_OVERHEAD_BYTES } from './schema.js';

export interface BufferOptions {
  path: string;
  /** Cap on stored bytes (line bytes plus a fixed overhead per row); beyond it the oldest rows are dropped. */
  maxBytes: number;
  /** 'full' (default) survives power loss; 'normal' survives a process crash only. */
  synchronous?: 'full' | 'normal';
}

export interface BufferedLine {
  seq: number;
  device: string;
  time: bigint;
  /** The complete line, with its timestamp. */
  line: string;
}

export interface FlushResult {
  written: number;
  deleted: number;
  /** Oldest rows dropped to stay under the cap, by device. */
  dropped: Map<string, number>;
}

export interface HeldStamp {
  /** Monotonic ns (since boot) when the reading was taken. */
  mono: bigint;
  boot: string;
}

type Cursor = { time: bigint; seq: number };

/** (time, seq) order, the order in which `next` gives rows. */
const after = (a: Cursor, b: Cursor) => a.time > b.time || (a.time === b.time && a.seq > b.seq);

interface Pending {
  device: string;
  time: bigint;
  body: string;
  held?: HeldStamp;
}

/**
 * The store-and-forward buffer: readings are queued in memory by `add` and written by `flush` in one
 * transaction together with the deletions of acknowledged rows, so the SD card sees one fsync per
 * flush instead of one per reading. A reading is deleted only through `ack`.
 */
export class ReadingBuffer {
  private readonly db: Database.Database;
  private readonly maxBytes: number;
  private pending: Pending[] = [];
  private acked: number[] = [];
  private storedBytes: number;
  private storedRows: number;
  private readonly statements;
  /**
   * The newest ready row (time, seq) of each device that may have ready rows: `devices` and `next` answer
   * from it without a query on every PUBACK. Deletions leave it as it is (at worst one query finds
   * nothing and lowers it).
   */
  private readonly newest = new Map<string, Cursor>();

  constructor(options: BufferOptions) {
    mkdirSync(dirname(options.path), { recursive: true });
    this.db = new Database(options.path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
    this.db.exec(BUFFER_SCHEMA);
    this.maxBytes = options.maxBytes;
    const db = this.db;
    this.statements = {
      insert: db.prepare(
        'INSERT INTO readings (device, time, body, bytes, held, mono, boot) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      delete: db.prepare('DELETE FROM readings WHERE seq = ?'),
      deleteAcked: db.prepare('DELETE FROM readings WHERE seq = ? RETURNING bytes'),
      totals: db.prepare('SELECT COUNT(*) AS rows, COALESCE(SUM(bytes), 0) AS bytes FROM readings'),
      oldest: db.prepare('SELECT seq, device, bytes FROM readings ORDER BY seq LIMIT ?'),
      allDevices: db.prepare('SELECT DISTINCT device FROM readings'),
      newest: db
        .prepare('SELECT time, seq FROM readings WHERE device = ? AND held = 0 ORDER BY time DESC, seq DESC LIMIT 1')
        .safeIntegers(true),
      next: db
        .prepare(
          `SELECT seq, device, time, body FROM readings WHERE device = ? AND held = 0 AND (time, seq) > (?, ?)
           ORDER BY time, seq LIMIT ?`,
        )
        .safeIntegers(true),
      countReady: db.prepare('SELECT COUNT(*) AS n FROM readings WHERE device = ? AND held = 0'),
      held: db.prepare('SELECT seq, device, time, mono, boot FROM readings WHERE held = 1').safeIntegers(true),
      release: db.prepare('UPDATE readings SET time = ?, held = 0, mono = NULL, boot = NULL WHERE seq = ?'),
      counter: db.prepare('SELECT value FROM counters WHERE name = ?'),
      addCounter: db.prepare(
        'INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = value + excluded.value',
      ),
    };
    const totals = this.statements.totals.get() as { rows: number; bytes: number };
    this.storedRows = totals.rows;
    this.storedBytes = totals.bytes;
    for (const { device } of this.statements.allDevices.all() as { device: string }[]) {
      const row = this.statements.newest.get(device) as { time: bigint; seq: bigint } | undefined;
      if (row) this.newest.set(device, { time: row.time, seq: Number(row.seq) });
    }
  }

  private raise(device: string, time: bigint, seq: number): void {
    const top = this.newest.get(device);
    if (!top || after({ time, seq }, top)) this.newest.set(device, { time, seq });
  }

  /** Queues a reading; it is durable after the next `flush`. */
  add(device: string, reading: Reading, held?: HeldStamp): void {
    const line = encodeLine(reading);
    this.pending.push({ device, time: reading.time, body: line.slice(0, line.lastIndexOf(' ')), held });
  }

  /** Marks rows as delivered; they are deleted in the next `flush`. */
  ack(seqs: readonly number[]): void {
    for (const seq of seqs) this.acked.push(seq);
  }

  get queued(): number {
    return this.pending.length;
  }

  /** Writes queued readings and deletes acknowledged rows in one transaction, then enforces the cap. */
  flush(): FlushResult {
    const pending = this.pending;
    const acked = this.acked;
    this.pending = [];
    this.acked = [];
    const dropped = new Map<string, number>();
    if (pending.length === 0 && acked.length === 0) return { written: 0, deleted: 0, dropped };
    let deleted = 0;
    this.db.transaction(() => {
      const { insert, deleteAcked } = this.statements;
      for (const p of pending) {
        const bytes = Buffer.byteLength(p.body) + 21 + ROW_OVERHEAD_BYTES;
        const row = [p.device, p.time, p.body, bytes, p.held ? 1 : 0, p.held?.mono ?? null, p.held?.boot ?? null];
        const seq = Number(insert.run(...row).lastInsertRowid);
        if (!p.held) this.raise(p.device, p.time, seq);
        this.storedBytes += bytes;
        this.storedRows++;
      }
      for (const seq of acked) {
        // An ack can come for a row already dropped by the cap: it returns nothing.
        const row = deleteAcked.get(seq) as { bytes: number } | undefined;
        if (!row) continue;
        deleted++;
        this.storedBytes -= row.bytes;
        this.storedRows--;
      }
      if (this.storedBytes > this.maxBytes) this.dropOldest(dropped);
    })();
    return { written: pending.length, deleted, dropped };
  }

  private recount(): void {
    const totals = this.statements.totals.get() as { rows: number; bytes: number };
    this.storedRows = totals.rows;
    this.storedBytes = totals.bytes;
  }

  /** Drops the oldest rows (by arrival) until the buffer holds at most 90% of its cap. */
  private dropOldest(dropped: Map<string, number>): void {
    const target = Math.floor(this.maxBytes * 0.9);
    let total = 0;
    while (this.storedBytes > target) {
      const rows = this.statements.oldest.all(1000) as { seq: number; device: string; bytes: number }[];
      if (rows.length === 0) break;
      for (const row of rows) {
        if (this.storedBytes <= target) break;
        this.statements.delete.run(row.seq);
        this.storedBytes -= row.bytes;
        this.storedRows--;
        dropped.set(row.device, (dropped.get(row.device) ?? 0) + 1);
        total++;
      }
    }
    if (total) this.statements.addCounter.run('dropped', total);
  }

  /** Devices that may have rows ready to publish (no query: `next` tells for sure). */
  devices(): string[] {
    return [...this.newest.keys()];
  }

  readyCount(device: string): number {
    return (this.statements.countReady.get(device) as { n: number }).n;
  }

  /** Up to `limit` ready rows of one device after the cursor, in time order. */
  next(device: string, cursor: Cursor | undefined, limit: number): BufferedLine[] {
    const top = this.newest.get(device);
    if (!top || (cursor && !after(top, cursor))) return [];
    const time = cursor?.time ?? -(2n ** 63n);
    const seq = cursor?.seq ?? -1;
    const rows = this.statements.next.all(device, time, seq, limit) as {
      seq: bigint;
      device: string;
      time: bigint;
      body: string;
    }[];
    if (rows.length === 0) {
      // Nothing ready beyond the cursor (the newest rows were deleted): remember it.
      if (cursor) this.newest.set(device, cursor);
      else this.newest.delete(device);
    }
    return rows.map((r) => ({ seq: Number(r.seq), device: r.device, time: r.time, line: `${r.body} ${r.time}` }));
  }

  /**
   * Once the clock is known: gives each held row of this boot the wall time it was taken at
   * (now minus the monotonic time elapsed since). Rows held in another boot cannot be dated and are
   * dropped (returned as `undatable`), never published with a wrong time.
   */
  releaseHeld(
    wallNowNs: bigint,
    monoNowNs: bigint,
    boot: string,
  ): { released: number; undatable: Map<string, number> } {
    this.flush();
    const undatable = new Map<string, number>();
    let released = 0;
    this.db.transaction(() => {
      const rows = this.statements.held.all() as {
        seq: bigint;
        device: string;
        time: bigint;
        mono: bigint | null;
        boot: string | null;
      }[];
      for (const row of rows) {
        if (row.boot === boot && row.mono !== null && row.mono <= monoNowNs) {
          const time = wallNowNs - (monoNowNs - row.mono);
          this.statements.release.run(time, row.seq);
          this.raise(row.device, time, Number(row.seq));
          released++;
        } else {
          this.statements.delete.run(row.seq);
          undatable.set(row.device, (undatable.get(row.device) ?? 0) + 1);
        }
      }
      if (undatable.size) this.recount();
    })();
    return { released, undatable };
  }

  /** Rows stored and not yet acknowledged (including held ones), and their bytes. */
  backlog(): { rows: number; bytes: number } {
    return { rows: this.storedRows, bytes: this.storedBytes };
  }

  /** Rows dropped by the cap over the life of this buffer file. */
  droppedTotal(): number {
    return (this.statements.counter.get('dropped') as { value: number } | undefined)?.value ?? 0;
  }

  close(): void {
    this.flush();
    this.db.close();
  }
}
