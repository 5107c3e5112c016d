import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';

/** Recent rows kept in memory, at most this many characters. */
const RECENT_CHARS = 32 * 1024 * 1024;

interface QueuedMessage {
  lines: string;
  points: number;
}

export interface JournalBatch {
  /** The ids of the first and last rows of the batch: `remove` forgets them. */
  firstId: number;
  lastId: number;
  /** Line protocol, one point per line. */
  text: string;
  points: number;
}

/**
 * The ingestor's on-disk queue (SQLite, WAL). Every data message is appended here before the broker
 * gets its PUBACK, and removed only once InfluxDB has answered for its points, so neither a SIGKILL
 * nor an InfluxDB outage loses a reading. Rows are taken in the order they came; several batches can
 * be out at once (a batch is removed when InfluxDB has answered for it, in whatever order).
 */
export class Journal {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement<[string, number]>;
  private readonly selectFrom: Database.Statement<[number]>;
  private readonly deleteRange: Database.Statement<[number, number]>;
  private readonly appendAll: (messages: readonly QueuedMessage[]) => number[];
  /** Rows this process appended and has not yet taken, by id: `take` need not read them back. */
  private readonly recent = new Map<number, QueuedMessage>();
  private recentChars = 0;
  private pendingPoints: number;
  private pendingRows: number;
  /** Rows up to this id are out in batches; `take` goes on after it. */
  private takenUpTo = 0;
  private takenRows = 0;
  private takenPoints = 0;
  private readonly checkpointer: Worker | undefined;

  constructor(path: string, sync: 'normal' | 'full' = 'normal') {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode survives the process being killed; FULL also survives a power cut.
    this.db.pragma(`synchronous = ${sync === 'full' ? 'FULL' : 'NORMAL'}`);
    if (path !== ':memory:') this.checkpointer = checkpointInWorker(this.db, path);
    this.db.exec(
      'CREATE TABLE IF NOT EXISTS queue (id INTEGER PRIMARY KEY AUTOINCREMENT, lines TEXT NOT NULL, points INTEGER NOT NULL)',
    );
    this.insert = this.db.prepare('INSERT INTO queue (lines, points) VALUES (?, ?)');
    this.selectFrom = this.db.prepare('SELECT id, lines, points FROM queue WHERE id > ? ORDER BY id');
    this.deleteRange = this.db.prepare('DELETE FROM queue WHERE id BETWEEN ? AND ?');
    this.appendAll = this.db.transaction((messages: readonly QueuedMessage[]) =>
      messages.map((m) => Number(this.insert.run(m.lines, m.points).lastInsertRowid)),
    );
    const row = this.db.prepare('SELECT COUNT(*) AS n, COALESCE(SUM(points), 0) AS p FROM queue').get() as {
      n: number;
      p: number;
    };
    this.pendingRows = row.n;
    this.pendingPoints = row.p;
  }

  append(lines: string, points: number): void {
    this.appendMany([{ lines, points }]);
  }

  /** Appends several messages in one transaction (one WAL commit instead of one per message). */
  appendMany(messages: readonly QueuedMessage[]): void {
    const ids = this.appendAll(messages);
    for (let i = 0; i < messages.length; i++) {
      const m = messages[i]!;
      this.pendingRows++;
      this.pendingPoints += m.points;
      if (this.recentChars + m.lines.length > RECENT_CHARS) continue;
      this.recent.set(ids[i]!, m);
      this.recentChars += m.lines.length;
    }
  }

  /** Points in the queue, including those out in batches. */
  get points(): number {
    return this.pendingPoints;
  }

  get rows(): number {
    return this.pendingRows;
  }

  /** Points not yet taken into a batch. */
  get untakenPoints(): number {
    return this.pendingPoints - this.takenPoints;
  }

  get untakenRows(): number {
    return this.pendingRows - this.takenRows;
  }

  /** The oldest rows not yet taken, up to about `maxPoints` points (at least one row). */
  take(maxPoints: number): JournalBatch | undefined {
    const parts: string[] = [];
    let points = 0;
    let firstId = 0;
    let lastId = this.takenUpTo;
    const done = () => {
      this.takenUpTo = lastId;
      this.takenRows += parts.length;
      this.takenPoints += points;
      return { firstId, lastId, text: parts.join('\n'), points };
    };
    const add = (id: number, r: QueuedMessage) => {
      if (points > 0 && points + r.points > maxPoints) return false;
      parts.push(r.lines);
      points += r.points;
      if (!firstId) firstId = id;
      lastId = id;
      return points < maxPoints;
    };
    // Ids follow one another (one writer, AUTOINCREMENT): what this process appended comes from memory...
    for (let r = this.recent.get(lastId + 1); r !== undefined; r = this.recent.get(lastId + 1)) {
      if (points > 0 && points + r.points > maxPoints) return done();
      this.recent.delete(lastId + 1);
      this.recentChars -= r.lines.length;
      if (!add(lastId + 1, r)) return done();
    }
    // ...the rest (a previous run's rows, or rows past the memory's bound) is read row by row as needed.
    for (const r of this.selectFrom.iterate(lastId) as IterableIterator<QueuedMessage & { id: number }>) {
      if (points > 0 && points + r.points > maxPoints) break;
      this.recentChars -= this.recent.get(r.id)?.lines.length ?? 0;
      this.recent.delete(r.id);
      if (!add(r.id, r)) break;
    }
    return parts.length === 0 ? undefined : done();
  }

  remove(batch: JournalBatch): void {
    const removed = this.deleteRange.run(batch.firstId, batch.lastId).changes;
    this.pendingRows -= removed;
    this.pendingPoints -= batch.points;
    this.takenRows -= removed;
    this.takenPoints -= batch.points;
  }

  close(): void {
    this.checkpointer?.postMessage('close');
    this.db.close();
  }
}

const CHECKPOINT_EVERY_MS = 200;
const DEFAULT_AUTOCHECKPOINT_PAGES = 1000;
/** The worker's code (CommonJS, evaluated: it needs no build step and runs the same under tsx and tests). */
const CHECKPOINTER = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
const timer = setInterval(() => db.pragma('wal_checkpoint(PASSIVE)'), workerData.everyMs);
parentPort.on('message', () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

/**
 * Copying the WAL into the database file (a checkpoint) syncs both files: done by the committing
 * connection, as SQLite does by default, it was two thirds of each append's time, with the event loop
 * blocked. A worker thread with its own connection does it instead; commits no longer wait for it, and
 * durability is unchanged (a commit is in the WAL either way). If the worker fails, SQLite's own
 * checkpoints come back.
 */
function checkpointInWorker(db: Database.Database, path: string): Worker {
  db.pragma('wal_autocheckpoint = 0');
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(CHECKPOINTER, { eval: true, workerData: { driver, path, everyMs: CHECKPOINT_EVERY_MS } });
  worker.unref();
  worker.on('error', () => {
    if (db.open) db.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT_PAGES}`);
  });
  return worker;
}
