import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { Reading } from '../../wire/reading.js';
import type { DeviceContext, DeviceHandle, DriverDefinition } from '../driver.js';
import { mappingEmissions } from '../records/emissions.js';
import { createMapper } from '../records/map.js';
import type { BodyFormat } from '../records/parse.js';
import { type ReadSummary, readRecords } from '../records/read.js';
import { Journal, type JournalEntry } from './journal.js';
import { moveInto, writeReport } from './move.js';
import { type FilesOptions, filesOptions, formatOf } from './options.js';
import { type Candidate, listCandidates, Settler } from './scan.js';

const MAX_REPORTED = 1000;

/**
 * Each scan (every `every`): files read at the previous scan are journaled and moved (their readings
 * have had a buffer flush since), then files that stopped changing are read. A restart after a crash
 * reads the last scan's files again (same points); after a clean stop, none twice and none skipped.
 */
async function open(options: FilesOptions, context: DeviceContext): Promise<DeviceHandle> {
  const { folder } = options;
  if (!statSync(folder).isDirectory()) throw new Error(`${folder} is not a folder`);
  const dirs = { done: join(folder, 'done'), rejected: join(folder, 'rejected') };
  const readOnly = context.readOnly === true;
  if (!readOnly) for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
  const journal = readOnly ? undefined : new Journal(options.journal ?? join(folder, '.tidegate-journal.jsonl'));
  const settler = new Settler(options.settleScans, options.minAgeS * 1000);
  const map = createMapper(options.mapping, { decimalComma: options.csv.decimalComma });
  const pending: { candidate: Candidate; entry: JournalEntry }[] = [];

  const finish = ({ candidate, entry }: { candidate: Candidate; entry: JournalEntry }) => {
    const now = statSync(candidate.path, { throwIfNoEntry: false });
    // Replaced or removed since it was read: the new content is read as a new file.
    if (!now || now.size !== candidate.size || now.mtimeMs !== candidate.mtimeMs) return settler.forget(candidate.name);
    journal!.add(entry);
    place(candidate, entry);
  };

  const place = (candidate: Candidate, entry: JournalEntry) => {
    const target = moveInto(candidate.path, dirs[entry.outcome], candidate.name);
    if (entry.outcome === 'rejected') writeReport(target, entry, entry.at);
    settler.forget(candidate.name);
  };

  const readFile = (candidate: Candidate, out: Reading[]): JournalEntry | undefined => {
    const at = new Date().toISOString();
    const base = { name: candidate.name, size: candidate.size, mtimeMs: candidate.mtimeMs, at };
    if (candidate.size > options.maxBytes) {
      const detail = `${candidate.size} bytes, more than maxBytes ${options.maxBytes}: not read`;
      context.sink.rejected('too_large', `${candidate.name}: ${detail}`);
      const rejections = [{ at: 'file', reason: 'too_large', detail }];
      return { ...base, sha256: '', outcome: 'rejected', readings: 0, skipped: 0, rejections };
    }
    const body = readFileSync(candidate.path);
    if (body.length !== candidate.size) return undefined; // still being written after all
    const sha256 = createHash('sha256').update(body).digest('hex');
    const known = journal?.find({ name: candidate.name, size: candidate.size, sha256 });
    if (known) {
      // Read before a restart that came before its move: move it now, never read it twice.
      place(candidate, known);
      return undefined;
    }
    const sink = {
      reading: (r: Reading) => {
        out.push(r);
        context.sink.reading(r);
      },
      rejected: context.sink.rejected,
    };
    const summary: ReadSummary = readRecords(body, sourceOf(candidate.name, options), map, sink, candidate.name);
    const outcome = summary.rejections.length > 0 || summary.records === 0 ? 'rejected' : 'done';
    if (summary.records === 0 && summary.rejections.length === 0) {
      context.sink.rejected('empty', `${candidate.name}: no records`);
      summary.rejections.push({ at: 'file', reason: 'empty', detail: 'no records' });
    }
    const { readings, skipped } = summary;
    return { ...base, sha256, outcome, readings, skipped, rejections: summary.rejections.slice(0, MAX_REPORTED) };
  };

  const poll = async (): Promise<Reading[]> => {
    const out: Reading[] = [];
    if (!readOnly) for (const item of pending.splice(0)) safely(item.candidate.name, () => finish(item));
    const candidates = listCandidates(folder, options.extensions);
    // Probe: every file there, read without moving it or writing the journal.
    const ready = readOnly ? candidates : settler.stable(candidates, Date.now());
    for (const candidate of ready)
      safely(candidate.name, () => {
        const entry = readFile(candidate, out);
        if (entry && !readOnly) pending.push({ candidate, entry });
      });
    return out;
  };

  const safely = (name: string, step: () => void) => {
    try {
      step();
    } catch (e) {
      context.sink.rejected('unreadable', `${name}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  };

  return {
    poll,
    async close() {
      if (!readOnly) for (const item of pending.splice(0)) safely(item.candidate.name, () => finish(item));
    },
  };
}

function sourceOf(name: string, options: FilesOptions): BodyFormat {
  const format = options.format ?? formatOf(extname(name)) ?? 'csv';
  return format === 'csv' ? { format, csv: options.csv } : { format, json: options.json };
}

/** The README's example (config/partner-waste-drop.yaml): monthly waste tonnage per company and stream. */
export const WASTE_DROP = {
  folder: '/srv/partners/zi-perigny/drop',
  extensions: ['.csv'],
  csv: { delimiter: ';', decimalComma: true },
  mapping: {
    measurement: 'material_flow',
    tags: { partner: 'siret', stream: 'flux', material: 'code_dechet', direction: { value: 'out' } },
    fields: { mass_kg: { from: 'tonnes', unit: 't' } },
    time: { from: 'mois', format: 'yyyy-MM', timeZone: 'Europe/Paris' },
    pseudonymise: ['partner'],
  },
};

export const driver: DriverDefinition<FilesOptions> = {
  name: 'files',
  description:
    'a drop folder of partner CSV/JSON files: each read once, then moved to done/ or rejected/ with a report',
  mode: 'poll',
  options: filesOptions,
  example: WASTE_DROP,
  resources: (options) => [{ kind: 'folder', path: options.folder }],
  emits: (options) => mappingEmissions(options?.mapping),
  open,
};
