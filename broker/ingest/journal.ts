import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export interface JournalBatch {
  /** The id of the last row in the batch: `remove(lastId)` forgets the batch. */
  lastId: number;
  /** Line protocol, one point per line. */
  text: string;
  points: number;
}

/**
 * The ingestor's on-disk queue (SQLite, WAL). Every data message is appended here before the broker
 * gets its PUBACK, and removed only once InfluxDB has answered for its points, so neither a SIGKILL
 * nor an InfluxDB outage loses a reading. Rows leave in the order they came.
 */
export class Journal {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement<[string, number]>;
  private readonly selectFrom: Database.Statement<[number, number]>;
  private readonly deleteUpTo: Database.Statement<[number]>;
  private pendingPoints: number;
  private pendingRows: number;

  constructor(path: string, sync: 'normal' | 'full' = 'normal') {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode survives the process being killed; FULL also survives a power cut.
    this.db.pragma(`synchronous = ${sync === 'full' ? 'FULL' : 'NORMAL'}`);
    this.db.exec(
      'CREATE TABLE IF NOT EXISTS queue (id INTEGER PRIMARY KEY AUTOINCREMENT, lines TEXT NOT NULL, points INTEGER NOT NULL)',
    );
    this.insert = this.db.prepare('INSERT INTO queue (lines, points) VALUES (?, ?)');
    this.selectFrom = this.db.prepare('SELECT id, lines, points FROM queue WHERE id > ? ORDER BY id LIMIT ?');
    this.deleteUpTo = this.db.prepare('DELETE FROM queue WHERE id <= ?');
    const row = this.db.prepare('SELECT COUNT(*) AS n, COALESCE(SUM(points), 0) AS p FROM queue').get() as {
      n: number;
      p: number;
    };
    this.pendingRows = row.n;
    this.pendingPoints = row.p;
  }

  append(lines: string, points: number): void {
    this.insert.run(lines, points);
    this.pendingRows++;
    this.pendingPoints += points;
  }

  get points(): number {
    return this.pendingPoints;
  }

  get rows(): number {
    return this.pendingRows;
  }

  /** The oldest rows, up to about `maxPoints` points (at least one row). */
  take(maxPoints: number): JournalBatch | undefined {
    const parts: string[] = [];
    let points = 0;
    let lastId = 0;
    while (points < maxPoints) {
      const rows = this.selectFrom.all(lastId, 256) as { id: number; lines: string; points: number }[];
      if (rows.length === 0) break;
      for (const r of rows) {
        if (points > 0 && points + r.points > maxPoints) return { lastId, text: parts.join('\n'), points };
        parts.push(r.lines);
        points += r.points;
        lastId = r.id;
      }
    }
    return parts.length === 0 ? undefined : { lastId, text: parts.join('\n'), points };
  }

  remove(batch: JournalBatch): void {
    const removed = this.deleteUpTo.run(batch.lastId).changes;
    this.pendingRows -= removed;
    this.pendingPoints -= batch.points;
  }

  close(): void {
    this.db.close();
  }
}
