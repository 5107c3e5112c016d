import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { Rejection } from '../records/read.js';

/** Moves a file into `dir`, never over an earlier file of the same name (waste.csv → waste.1.csv). */
export function moveInto(path: string, dir: string, name: string): string {
  const ext = extname(name);
  const base = name.slice(0, name.length - ext.length);
  let target = join(dir, name);
  for (let n = 1; existsSync(target); n++) target = join(dir, `${base}.${n}${ext}`);
  renameSync(path, target);
  return target;
}

/** The report beside a rejected file: each bad row with its line (or record) and why. */
export function writeReport(
  file: string,
  summary: { readings: number; skipped: number; rejections: Rejection[] },
  readAt: string,
): void {
  const lines = [
    `# tidegate read this file at ${readAt}: ${summary.readings} readings published, ${summary.skipped} records skipped by the mapping's where,`,
    `# ${summary.rejections.length} rejected (below). Every other record was published: fix the rejected ones and drop them again.`,
    ...summary.rejections.map((r) => `${r.at}: ${r.reason}: ${r.detail}`),
  ];
  writeFileSync(`${file}.report.txt`, `${lines.join('\n')}\n`);
}
