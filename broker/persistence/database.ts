import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export type SyncMode = 'normal' | 'full';

/**
 * The broker's session store: one SQLite file in WAL mode. Every write is one committed transaction
 * before the call returns, so what aedes was told is stored survives a SIGKILL (`normal`), or also a
 * power cut (`full`, one fsync per commit).
 */
export function openSessionDatabase(path: string, sync: SyncMode): Database.Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${sync === 'full' ? 'FULL' : 'NORMAL'}`);
  db.exec(`
    CREATE TABLE IF NOT EXISTS subscriptions (
      client_id TEXT NOT NULL, topic TEXT NOT NULL, options TEXT NOT NULL, PRIMARY KEY (client_id, topic)
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS subscriptions_topic ON subscriptions (topic);
    CREATE TABLE IF NOT EXISTS outgoing (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      client_id TEXT NOT NULL,
      broker_id TEXT NOT NULL,
      broker_counter INTEGER NOT NULL,
      message_id INTEGER,
      connection INTEGER,
      meta TEXT NOT NULL,
      payload BLOB NOT NULL
    );
    CREATE INDEX IF NOT EXISTS outgoing_packet ON outgoing (client_id, broker_id, broker_counter);
    CREATE INDEX IF NOT EXISTS outgoing_message ON outgoing (client_id, message_id);
    CREATE TABLE IF NOT EXISTS incoming (
      client_id TEXT NOT NULL, message_id INTEGER NOT NULL, meta TEXT NOT NULL, payload BLOB NOT NULL,
      PRIMARY KEY (client_id, message_id)
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS retained (topic TEXT PRIMARY KEY, meta TEXT NOT NULL, payload BLOB NOT NULL) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS wills (
      client_id TEXT PRIMARY KEY, broker_id TEXT NOT NULL, meta TEXT NOT NULL, payload BLOB NOT NULL
    ) WITHOUT ROWID;
  `);
  // Connection marks belong to the process that set them (see outgoing.ts).
  db.exec('UPDATE outgoing SET connection = NULL WHERE connection IS NOT NULL');
  return db;
}
