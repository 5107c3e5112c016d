import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Rejection } from '../records/read.js';

/** One file read: what it was (name, size, mtime, content hash) and where it went. */
export interface JournalEntry {
  name: string;
  size: number;
  mtimeMs: number;
  sha256: string;
  outcome: 'done' | 'rejected';
  readings: number;
  skipped: number;
  /** Each record that did not map (the first 1000), for the report beside a rejected file. */
  rejections: Rejection[];
  at: string;
}

/**
 * The files already read, kept in an append-only JSON-lines file (fsync'd per entry), so that a restart
 * between reading a file and moving it never reads it twice. A torn last line (power cut while writing)
 * is ignored: that file is then read again, which gives the same points.
 */
export class Journal {
  private readonly entries = new Map<string, JournalEntry>();

  constructor(private readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    let text = '';
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    for (const line of text.split('\n')) {
      try {
        const entry = JSON.parse(line) as JournalEntry;
        if (entry && typeof entry.sha256 === 'string') this.entries.set(key(entry), entry);
      } catch {}
    }
  }

  /** The entry of a file with this name, size and content, if it was read before. */
  find(file: { name: string; size: number; sha256: string }): JournalEntry | undefined {
    return this.entries.get(key(file));
  }

  add(entry: JournalEntry): void {
    const fd = openSync(this.path, 'a');
    try {
      writeSync(fd, `${JSON.stringify(entry)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    this.entries.set(key(entry), entry);
  }
}

function key(file: { name: string; size: number; sha256: string }): string {
  return `${file.name}\u0000${file.size}\u0000${file.sha256}`;
}
