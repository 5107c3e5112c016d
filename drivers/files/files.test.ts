import { appendFileSync, copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../tests/harness/index.js';
import type { DeviceHandle } from '../driver.js';
import { recordingSink } from '../records/recording-sink.js';
import { createDriverRuntime } from '../runtime.js';
import { driver } from './driver.js';
import { filesOptions } from './options.js';
import { wasteCsv } from './simulator.js';

const TESTDATA = new URL('./testdata/', import.meta.url).pathname;

const wasteDevice = (folder: string) =>
  filesOptions.parse({
    folder,
    minAgeS: 0,
    csv: { delimiter: ';', decimalComma: true },
    mapping: {
      measurement: 'material_flow',
      tags: {
        partner: 'siret',
        stream: 'flux',
        material: 'code_dechet',
        direction: { value: 'out' },
      },
      fields: { mass_kg: { from: 'tonnes', unit: 't' } },
      time: { from: 'mois', format: 'yyyy-MM', timeZone: 'Europe/Paris' },
      pseudonymise: ['partner'],
    },
  });

const handles: DeviceHandle[] = [];
afterEach(async () => {
  for (const h of handles.splice(0)) await h.close();
});

async function openDevice(folder: string, extra: Record<string, unknown> = {}) {
  const recorder = recordingSink();
  const handle = await driver.open(wasteDevice(folder), {
    deviceId: 'waste-drop',
    sink: recorder.sink,
    runtime: createDriverRuntime(),
    signal: new AbortController().signal,
    ...extra,
  });
  handles.push(handle);
  return { recorder, handle, scan: () => handle.poll!() };
}

const tempFolder = () => tempDir('tidegate-drop-');
const ls = (dir: string) => (existsSync(dir) ? readdirSync(dir).sort() : []);

describe('files driver on a real drop folder', () => {
  it('reads a file once it stopped changing, then moves it to done/ and journals it', async () => {
    const folder = tempFolder();
    writeFileSync(join(folder, 'waste-2026-09.csv'), wasteCsv('2026-09', 3));
    const { recorder, scan } = await openDevice(folder);
    expect(await scan()).toHaveLength(0); // first sighting
    const readings = await scan();
    expect(readings.length).toBeGreaterThan(5);
    expect(readings[0]).toMatchObject({ measurement: 'material_flow', identifiers: ['partner'] });
    expect(ls(folder)).toContain('waste-2026-09.csv'); // moved at the next scan, after a buffer flush
    expect(await scan()).toHaveLength(0);
    expect(ls(join(folder, 'done'))).toEqual(['waste-2026-09.csv']);
    expect(ls(folder)).toEqual(['.tidegate-journal.jsonl', 'done', 'rejected']);
    expect(recorder.rejected).toEqual([]);
  });

  it('does not read a half-written file while it grows', async () => {
    const folder = tempFolder();
    const file = join(folder, 'waste-2026-10.csv');
    const text = wasteCsv('2026-10', 4);
    writeFileSync(file, text.slice(0, 100)); // cut mid-row
    const { recorder, scan } = await openDevice(folder);
    expect(await scan()).toHaveLength(0);
    appendFileSync(file, text.slice(100, 200));
    expect(await scan()).toHaveLength(0); // it grew: starts over
    appendFileSync(file, text.slice(200));
    expect(await scan()).toHaveLength(0);
    const readings = await scan();
    expect(readings).toHaveLength(text.trim().split('\n').length - 1);
    expect(recorder.rejected).toEqual([]);
    // In-progress upload names are never read.
    writeFileSync(join(folder, 'waste-2026-11.csv.filepart'), text);
    writeFileSync(join(folder, '.waste-2026-11.csv'), text);
    await scan();
    expect(await scan()).toHaveLength(0);
  });

  it('bad rows: each rejected with its line and reason, the rest published, the file in rejected/ with a report', async () => {
    const folder = tempFolder();
    copyFileSync(join(TESTDATA, 'waste-2026-10-bad-rows.csv'), join(folder, 'waste-2026-10.csv'));
    const { recorder, scan } = await openDevice(folder);
    await scan();
    const readings = await scan();
    expect(readings).toHaveLength(2);
    expect(recorder.rejected.map((r) => r.detail)).toHaveLength(5);
    expect(recorder.rejected[0]).toEqual({
      reason: 'missing',
      detail: 'waste-2026-10.csv line 3: field mass_kg: no value in "tonnes"',
    });
    await scan();
    expect(ls(join(folder, 'rejected'))).toEqual(['waste-2026-10.csv', 'waste-2026-10.csv.report.txt']);
    const report = readFileSync(join(folder, 'rejected', 'waste-2026-10.csv.report.txt'), 'utf8').split('\n');
    expect(report[0]).toMatch(/^# tidegate read this file at .*: 2 readings published/);
    expect(`${report.slice(2).join('\n')}`).toBe(
      readFileSync(join(TESTDATA, 'waste-2026-10-bad-rows.report.txt'), 'utf8'),
    );
  });

  it('restart mid-folder: a clean stop reads no file twice and skips none', async () => {
    const folder = tempFolder();
    for (const month of ['2026-07', '2026-08', '2026-09'])
      writeFileSync(join(folder, `waste-${month}.csv`), wasteCsv(month, 2));
    const first = await openDevice(folder);
    await first.scan();
    const before = await first.scan(); // three files read, not yet moved
    writeFileSync(join(folder, 'waste-2026-10.csv'), wasteCsv('2026-10', 2)); // arrives during the stop
    await first.handle.close(); // clean stop: journals and moves what was read
    handles.length = 0;
    expect(ls(join(folder, 'done'))).toHaveLength(3);

    const second = await openDevice(folder);
    await second.scan();
    const after = await second.scan();
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((r) => r.time === after[0]!.time)).toBe(true); // October only
    expect(new Set([...before, ...after].map((r) => r.time)).size).toBe(4);
  });

  it('a crash between journal and move: the file is moved, not read again; a crash before the journal: read again as the same points', async () => {
    const folder = tempFolder();
    writeFileSync(join(folder, 'waste-2026-09.csv'), wasteCsv('2026-09', 2));
    const first = await openDevice(folder);
    await first.scan();
    await first.scan(); // read
    const firstLines = first.recorder.lines();
    // Crash before the next scan: nothing journaled, the file is still there. A new agent reads it again.
    const second = await openDevice(folder);
    await second.scan();
    await second.scan();
    expect(second.recorder.lines()).toEqual(firstLines);
    await second.scan(); // journaled and moved
    // The same content under the same name comes back (as after a crash before the move): moved, unread.
    copyFileSync(join(folder, 'done', 'waste-2026-09.csv'), join(folder, 'waste-2026-09.csv'));
    const third = await openDevice(folder);
    await third.scan();
    expect(await third.scan()).toHaveLength(0);
    expect(ls(join(folder, 'done'))).toEqual(['waste-2026-09.1.csv', 'waste-2026-09.csv']);
  });

  it('probe (read-only) reads every file there and moves nothing', async () => {
    const folder = tempFolder();
    writeFileSync(join(folder, 'waste-2026-09.csv'), wasteCsv('2026-09', 2));
    const { scan } = await openDevice(folder, { readOnly: true });
    expect((await scan()).length).toBeGreaterThan(0);
    expect(ls(folder)).toEqual(['waste-2026-09.csv']);
  });
});

describe('files driver, JSON drops', () => {
  it('reads a .json file by its extension, records selected by JSONPath', async () => {
    const folder = tempFolder();
    const data = { data: [{ area: 'ile-de-re', date: '2026-08-01', stats: { nights: 1742, beds_occupied: 1407 } }] };
    writeFileSync(join(folder, 'occupancy-2026-08-01.json'), JSON.stringify(data));
    const options = filesOptions.parse({
      folder,
      minAgeS: 0,
      json: { records: '$.data[*]' },
      mapping: {
        measurement: 'occupancy',
        tags: { area: 'area' },
        fields: { nights: 'stats.nights', beds_occupied: 'stats.beds_occupied' },
        time: { from: 'date', format: 'yyyy-MM-dd', timeZone: 'Europe/Paris' },
      },
    });
    const recorder = recordingSink();
    const handle = await driver.open(options, {
      deviceId: 'occupancy-drop',
      sink: recorder.sink,
      runtime: createDriverRuntime(),
      signal: new AbortController().signal,
    });
    handles.push(handle);
    await handle.poll!();
    await handle.poll!();
    await handle.poll!();
    expect(recorder.lines()).toEqual(['occupancy,area=ile-de-re nights=1742,beds_occupied=1407 1785535200000000000']);
    expect(ls(join(folder, 'done'))).toEqual(['occupancy-2026-08-01.json']);
  });
});
