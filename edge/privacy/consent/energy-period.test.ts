import { describe, expect, it } from 'vitest';
import type { Reading } from '../../../wire/reading.js';
import { linkyReadings, ns } from '../test-support.js';
import { EnergyPeriods } from './energy-period.js';
import { localClock } from './local-time.js';

const paris = localClock('Europe/Paris');

function feed(periods: EnergyPeriods, readings: Iterable<Reading>): Reading[] {
  const out: Reading[] = [];
  for (const r of readings) out.push(...periods.add(r).released);
  return out;
}

function index(r: Reading, name: string): bigint {
  return r.fields[name] as bigint;
}

describe('EnergyPeriods', () => {
  it('releases one daily aggregate per local day whose energy is the index difference', () => {
    const from = ns('2026-06-01T22:00:00Z'); // local midnight, 2 June
    const readings = [...linkyReadings({ adco: 'x' }, from, from + 3n * 86_400_000_000_000n, 60)];
    const periods = new EnergyPeriods('daily', paris);
    const out = [...feed(periods, readings), ...periods.due(from + 3n * 86_400_000_000_000n)];
    expect(out.map((r) => r.time)).toEqual([from, from + 86_400_000_000_000n, from + 2n * 86_400_000_000_000n]);
    const first = readings[0]!;
    const last = readings.at(-1)!;
    const total = out.reduce((sum, r) => sum + (r.fields.energy_wh as bigint), 0n);
    const expected =
      index(last, 'energy_hc_wh') -
      index(first, 'energy_hc_wh') +
      index(last, 'energy_hp_wh') -
      index(first, 'energy_hp_wh');
    expect(total).toBe(expected);
    for (const r of out) {
      expect(Object.keys(r.fields).sort()).toEqual([
        'energy_hc_kwh',
        'energy_hp_kwh',
        'energy_wh',
        'period_energy_hc_wh',
        'period_energy_hp_wh',
        'period_s',
        'samples',
      ]);
      expect(r.tags).toEqual({ meter: 'x', granularity: 'daily' });
      expect(r.fields.period_s).toBe(86_400n);
    }
    expect(out[2]!.fields.energy_hp_kwh).toBe(index(last, 'energy_hp_wh') / 1000n);
  });

  it('releases 48 half-hours a day with energy and mean power', () => {
    const from = ns('2026-06-01T22:00:00Z');
    const periods = new EnergyPeriods('half-hourly', paris);
    const profile = () => 1000; // 1 kW all day: 500 Wh per half-hour
    const readings = linkyReadings({ adco: 'x', profile }, from, from + 86_400_000_000_000n, 10);
    const out = [...feed(periods, readings), ...periods.due(from + 86_400_000_000_000n)];
    expect(out).toHaveLength(48);
    for (const r of out.slice(1)) {
      expect(Number(r.fields.energy_wh)).toBeGreaterThanOrEqual(499);
      expect(Number(r.fields.energy_wh)).toBeLessThanOrEqual(501);
      expect(r.fields.mean_power_w).toBeCloseTo(1000, -1);
      expect(r.fields.mean_apparent_power_va).toBe(1000);
      expect(r.fields.period_s).toBe(1800n);
    }
  });

  it('counts across an index that goes backwards (meter replaced) without losing energy', () => {
    const periods = new EnergyPeriods('daily', paris);
    const t = ns('2026-06-02T08:00:00Z');
    const at = (minutes: number, wh: bigint): Reading => ({
      measurement: 'electricity',
      tags: {},
      fields: { energy_import_wh: wh },
      time: t + BigInt(minutes) * 60_000_000_000n,
    });
    let resets = 0;
    for (const r of [at(0, 1000n), at(1, 1100n), at(2, 5n), at(3, 55n)]) resets += periods.add(r).counterResets;
    const [day] = periods.due(ns('2026-06-03T00:00:00Z'));
    expect(resets).toBe(1);
    expect(day!.fields.energy_wh).toBe(150n);
  });

  it('never rewrites a released period: a late reading counts in the next one', () => {
    const periods = new EnergyPeriods('half-hourly', paris);
    const r = (iso: string, wh: bigint): Reading => ({
      measurement: 'electricity',
      tags: {},
      fields: { energy_import_wh: wh },
      time: ns(iso),
    });
    periods.add(r('2026-06-02T08:00:00Z', 100n));
    periods.add(r('2026-06-02T08:29:00Z', 200n));
    expect(periods.due(ns('2026-06-02T08:30:00Z'))).toHaveLength(1);
    periods.add(r('2026-06-02T08:29:59Z', 210n));
    periods.add(r('2026-06-02T08:45:00Z', 260n));
    const [next] = periods.due(ns('2026-06-02T09:00:00Z'));
    expect(next!.time).toBe(ns('2026-06-02T08:30:00Z'));
    expect(next!.fields.energy_wh).toBe(60n);
  });

  it('after a gap of more than a period, starts from the first new reading', () => {
    const periods = new EnergyPeriods('half-hourly', paris);
    const r = (iso: string, wh: bigint): Reading => ({
      measurement: 'electricity',
      tags: {},
      fields: { energy_import_wh: wh },
      time: ns(iso),
    });
    periods.add(r('2026-06-02T08:00:00Z', 100n));
    periods.add(r('2026-06-02T08:10:00Z', 110n));
    const released = periods.add(r('2026-06-02T12:05:00Z', 900n)).released;
    expect(released.map((x) => x.fields.energy_wh)).toEqual([10n]);
    periods.add(r('2026-06-02T12:20:00Z', 950n));
    expect(periods.due(ns('2026-06-02T12:30:00Z'))[0]!.fields.energy_wh).toBe(50n);
  });

  it('counts a standard-mode meter without EAST once: supplier indexes, not also distributor ones', () => {
    const periods = new EnergyPeriods('daily', paris);
    const r = (iso: string, f01: bigint, d01: bigint): Reading => ({
      measurement: 'electricity',
      tags: {},
      fields: { energy_easf01_wh: f01, energy_easd01_wh: d01, energy_export_wh: 7n },
      time: ns(iso),
    });
    periods.add(r('2026-06-02T08:00:00Z', 100n, 100n));
    periods.add(r('2026-06-02T09:00:00Z', 400n, 400n));
    expect(periods.due(ns('2026-06-03T00:00:00Z'))[0]!.fields.energy_wh).toBe(300n);
  });
});
