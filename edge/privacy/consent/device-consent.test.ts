import { describe, expect, it } from 'vitest';
import type { Reading } from '../../../wire/reading.js';
import { ns } from '../test-support.js';
import { DeviceConsent } from './device-consent.js';
import { localClock } from './local-time.js';

const paris = localClock('Europe/Paris');
const reading = (iso: string, wh: bigint): Reading => ({
  measurement: 'electricity',
  tags: { meter: 'p' },
  fields: { energy_import_wh: wh, apparent_power_va: 900n },
  time: ns(iso),
});

describe('DeviceConsent', () => {
  it('raw passes readings as read and still releases the daily total', () => {
    const device = new DeviceConsent('linky', 'raw', paris);
    const r = reading('2026-06-02T08:00:00Z', 1000n);
    expect(device.process(r).out).toEqual([r]);
    expect(device.tick(ns('2026-06-02T22:00:00Z')).out.map((x) => x.tags.granularity)).toEqual(['daily']);
  });

  it('none refuses everything', () => {
    const device = new DeviceConsent('linky', 'none', paris);
    const outcome = device.process(reading('2026-06-02T08:00:00Z', 1000n));
    expect(outcome.refused).toBe(true);
    expect(device.tick(ns('2026-06-04T00:00:00Z')).out).toEqual([]);
  });

  it('a non-electricity reading of an aggregated device never leaves', () => {
    const device = new DeviceConsent('linky', 'daily', paris);
    const other: Reading = { measurement: 'air_quality', tags: {}, fields: { co2_ppm: 400 }, time: 1n };
    expect(device.process(other)).toMatchObject({ out: [], refused: true });
  });

  it('widening daily → half-hourly applies from the next half-hour boundary, never to earlier data', () => {
    const daily = new DeviceConsent('linky', 'daily', paris);
    daily.process(reading('2026-06-02T08:00:00Z', 1000n));
    daily.process(reading('2026-06-02T08:10:00Z', 1100n));
    // The config now says half-hourly (a restart with the saved state).
    const widened = new DeviceConsent('linky', 'half-hourly', paris, daily.state);
    expect(widened.consent).toBe('daily');
    widened.process(reading('2026-06-02T08:20:00Z', 1200n));
    expect(widened.consent).toBe('daily');
    widened.process(reading('2026-06-02T08:30:00Z', 1300n));
    expect(widened.consent).toBe('half-hourly');
    widened.process(reading('2026-06-02T08:50:00Z', 1500n));
    const out = widened.tick(ns('2026-06-02T09:00:00Z')).out;
    // The first half-hour starts at the boundary, counted from the index the daily period last saw.
    expect(out.map((r) => [r.tags.granularity, r.time, r.fields.energy_wh])).toEqual([
      ['half-hourly', ns('2026-06-02T08:30:00Z'), 300n],
    ]);
    const [day] = widened.tick(ns('2026-06-02T22:00:00Z')).out;
    expect(day!.fields.energy_wh).toBe(500n);
  });

  it('narrowing half-hourly → daily applies at once: the half-hour in progress is discarded', () => {
    const curve = new DeviceConsent('linky', 'half-hourly', paris);
    curve.process(reading('2026-06-02T08:00:00Z', 1000n));
    curve.process(reading('2026-06-02T08:10:00Z', 1100n));
    const narrowed = new DeviceConsent('linky', 'daily', paris, curve.state);
    expect(narrowed.consent).toBe('daily');
    expect(narrowed.state.periods['half-hourly']).toBeUndefined();
    expect(narrowed.tick(ns('2026-06-02T08:30:00Z')).out).toEqual([]);
    narrowed.process(reading('2026-06-02T08:40:00Z', 1200n));
    expect(narrowed.tick(ns('2026-06-02T22:00:00Z')).out.map((r) => r.fields.energy_wh)).toEqual([200n]);
  });

  it('withdrawal (none) discards the open periods at once', () => {
    const curve = new DeviceConsent('linky', 'half-hourly', paris);
    curve.process(reading('2026-06-02T08:00:00Z', 1000n));
    const withdrawn = new DeviceConsent('linky', 'none', paris, curve.state);
    expect(withdrawn.state.periods).toEqual({});
    expect(withdrawn.tick(ns('2026-06-05T00:00:00Z')).out).toEqual([]);
    expect(withdrawn.replay()).toEqual([]);
  });
});
