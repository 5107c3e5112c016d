import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../tests/harness/index.js';
import type { Reading } from '../../wire/reading.js';
import { createPrivacyStage, STATE_FILE } from './create-stage.js';
import { linkyReadings, ns } from './test-support.js';

const DAY = 86_400_000_000_000n;
const midnight = ns('2026-06-01T22:00:00Z'); // 2 June, local midnight

function run(stage: ReturnType<typeof createPrivacyStage>, readings: Iterable<Reading>): Reading[] {
  const out: Reading[] = [];
  for (const r of readings) out.push(...stage.process('linky', r), ...stage.tick(r.time));
  return out;
}

describe('createPrivacyStage', () => {
  it('with no options, withholds identifiers and passes everything else (the minimal stage)', () => {
    const problems: string[] = [];
    const stage = createPrivacyStage({ onProblem: (p) => problems.push(p) });
    const [first] = linkyReadings({ adco: '031664001115' }, midnight, midnight + 1n, 1);
    const out = stage.process('linky', first!);
    expect(out).toHaveLength(1);
    expect(out[0]!.tags).toEqual({});
    expect(stage.hasKey).toBe(false);
    expect(stage.counters()).toMatchObject({ identifiersWithheld: 1, readingsPassed: 1 });
    expect(problems.join()).toMatch(/identifiers of linky are withheld/);
  });

  it('creates the key file and pseudonymizes with it, the same on two gateways sharing it', () => {
    const dir = tempDir('tidegate-privacy-');
    const keyFile = join(dir, 'pseudonym.key');
    const a = createPrivacyStage({ keyFile });
    const b = createPrivacyStage({ keyFile, createKey: false });
    const [r] = linkyReadings({ adco: '031664001115' }, midnight, midnight + 1n, 1);
    const pa = a.process('linky', r!)[0]!.tags.meter;
    expect(pa).toMatch(/^[0-9a-f]{16}$/);
    expect(b.process('other-gateway-linky', r!)[0]!.tags.meter).toBe(pa);
  });

  it('uses the fixed test key', () => {
    const dir = tempDir('tidegate-privacy-');
    writeFileSync(join(dir, 'k'), 'test-key-do-not-use', { mode: 0o600 });
    const stage = createPrivacyStage({ keyFile: join(dir, 'k') });
    const [r] = linkyReadings({ adco: '031664001115' }, midnight, midnight + 1n, 1);
    expect(stage.process('linky', r!)[0]!.tags.meter).toBe('6c11e141ed61c13c');
  });

  it('keeps a day across a restart: the daily total equals the index difference over the whole day', () => {
    const dir = tempDir('tidegate-privacy-');
    const options = { keyFile: join(dir, 'k'), stateDir: dir, devices: [{ id: 'linky', consent: 'daily' as const }] };
    const readings = [...linkyReadings({ adco: '031664001115' }, midnight, midnight + DAY, 30)];
    const half = readings.length / 2;
    const first = createPrivacyStage(options);
    const before = run(first, readings.slice(0, half));
    first.close();
    const second = createPrivacyStage(options);
    const after = [...run(second, readings.slice(half)), ...second.tick(midnight + DAY)];
    second.close();
    expect(before).toEqual([]);
    expect(after).toHaveLength(1);
    const day = after[0]!;
    const wh = (r: Reading, f: string) => r.fields[f] as bigint;
    const last = readings.at(-1)!;
    const firstReading = readings[0]!;
    expect(day.fields.energy_wh).toBe(
      wh(last, 'energy_hc_wh') -
        wh(firstReading, 'energy_hc_wh') +
        wh(last, 'energy_hp_wh') -
        wh(firstReading, 'energy_hp_wh'),
    );
    expect(day.fields.samples).toBe(BigInt(readings.length));
    expect(day.tags).toEqual({ meter: expect.stringMatching(/^[0-9a-f]{16}$/), granularity: 'daily', device: 'linky' });
    expect(JSON.stringify(JSON.parse(readFileSync(join(dir, STATE_FILE), 'utf8')))).not.toContain('031664001115');

    // A third start releases the last aggregate again (a replay InfluxDB absorbs), and nothing else.
    const third = createPrivacyStage(options);
    expect(third.tick(midnight + DAY + 1n)).toEqual([day]);
    expect(third.tick(midnight + DAY + 2n)).toEqual([]);
  });

  it('a consent widened at a restart mid-day releases half-hours only from the next boundary on', () => {
    const dir = tempDir('tidegate-privacy-');
    const readings = [...linkyReadings({ adco: '031664001115' }, midnight, midnight + DAY, 60)];
    const restartAt = 12 * 60 + 10; // 12:10 local
    const daily = createPrivacyStage({ stateDir: dir, devices: [{ id: 'linky', consent: 'daily' }] });
    const before = run(daily, readings.slice(0, restartAt));
    daily.close();
    const widened = createPrivacyStage({ stateDir: dir, devices: [{ id: 'linky', consent: 'half-hourly' }] });
    const after = [...run(widened, readings.slice(restartAt)), ...widened.tick(midnight + DAY)];
    expect(before).toEqual([]);
    const halfHours = after.filter((r) => r.tags.granularity === 'half-hourly');
    // 12:30 to midnight: 23 half-hours; nothing of the morning at half-hour granularity.
    expect(halfHours).toHaveLength(23);
    expect(halfHours[0]!.time).toBe(midnight + (12n * 60n + 30n) * 60_000_000_000n);
    const [day] = after.filter((r) => r.tags.granularity === 'daily');
    const total = (r: Reading) => (r.fields.energy_hc_wh as bigint) + (r.fields.energy_hp_wh as bigint);
    expect(day!.fields.energy_wh).toBe(total(readings.at(-1)!) - total(readings[0]!));
  });

  it('sets aside an unreadable state file, saying which and why', () => {
    const dir = tempDir('tidegate-privacy-');
    writeFileSync(join(dir, STATE_FILE), '{"version":1,"devices":{"linky":{"consent":"weekly"}}}');
    const problems: string[] = [];
    createPrivacyStage({
      stateDir: dir,
      devices: [{ id: 'linky', consent: 'daily' }],
      onProblem: (p) => problems.push(p),
    });
    expect(problems.join('\n')).toMatch(/privacy-state\.json: key devices\.linky\.consent: .*moved to .*unreadable-/);
  });

  it('tags self-data readings with the gateway 200 m cell, never the location', () => {
    const stage = createPrivacyStage({
      devices: [{ id: 'linky', consent: 'raw' }],
      location: { lat: 46.1547, lon: -1.1532 },
    });
    const [r] = linkyReadings({ adco: 'a' }, midnight, midnight + 1n, 1);
    expect(stage.process('linky', r!)[0]!.tags.cell).toBe('CRS3035RES200mN2624600E3462000');
    expect(stage.process('pm-1', r!)[0]!.tags.cell).toBeUndefined();
  });

  it('places any int64 timestamp in a local period without throwing', () => {
    const stage = createPrivacyStage({ devices: [{ id: 'linky', consent: 'half-hourly' }] });
    const [r] = linkyReadings({ adco: 'a' }, midnight, midnight + 1n, 1);
    for (const time of [-(2n ** 63n), 0n, 2n ** 63n - 1n]) {
      expect(() => stage.process('linky', { ...r!, time })).not.toThrow();
      expect(() => stage.tick(time)).not.toThrow();
    }
    expect(stage.counters().readingsAggregated).toBe(3);
  });

  it('names the key of an invalid option', () => {
    expect(() => createPrivacyStage({ devices: [{ id: 'linky', consent: 'weekly' as 'daily' }] })).toThrow(
      /key devices\.0\.consent/,
    );
  });
});
