import { readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';

export interface Candidate {
  name: string;
  path: string;
  size: number;
  mtimeMs: number;
}

/** Names that uploaders use while a transfer is in progress (WinSCP .filepart, rsync dotfiles, ...). */
const IN_PROGRESS = /(^\.|~$|\.(part|partial|filepart|tmp|temp|crdownload|swp)$)/i;

/** The regular files of the drop folder that may be partner data, oldest first (then by name). */
export function listCandidates(folder: string, extensions: readonly string[]): Candidate[] {
  const wanted = new Set(extensions.map((e) => e.toLowerCase()));
  const out: Candidate[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    if (!entry.isFile() || IN_PROGRESS.test(entry.name) || !wanted.has(extname(entry.name).toLowerCase())) continue;
    const path = join(folder, entry.name);
    try {
      const stat = statSync(path);
      out.push({ name: entry.name, path, size: stat.size, mtimeMs: stat.mtimeMs });
    } catch {
      // Gone between the listing and the stat: moved away by its uploader.
    }
  }
  return out.sort((a, b) => a.mtimeMs - b.mtimeMs || a.name.localeCompare(b.name));
}

/**
 * A file is read only once it has stopped changing: seen with the same size and mtime on `settleScans`
 * consecutive scans after its first sighting, and at least `minAgeS` old. A file still being written
 * (it grows, or its mtime moves) starts over.
 */
export class Settler {
  private readonly seen = new Map<string, { size: number; mtimeMs: number; unchanged: number }>();

  constructor(
    private readonly settleScans: number,
    private readonly minAgeMs: number,
  ) {}

  stable(candidates: Candidate[], nowMs: number): Candidate[] {
    const present = new Set(candidates.map((c) => c.name));
    for (const name of this.seen.keys()) if (!present.has(name)) this.seen.delete(name);
    return candidates.filter((c) => {
      const before = this.seen.get(c.name);
      const same = before !== undefined && before.size === c.size && before.mtimeMs === c.mtimeMs;
      const unchanged = same ? before.unchanged + 1 : 0;
      this.seen.set(c.name, { size: c.size, mtimeMs: c.mtimeMs, unchanged });
      // mtime has sub-millisecond digits, Date.now() not: compare whole milliseconds.
      return unchanged >= this.settleScans && nowMs - Math.floor(c.mtimeMs) >= this.minAgeMs;
    });
  }

  forget(name: string): void {
    this.seen.delete(name);
  }
}
