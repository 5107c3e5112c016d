import { isCounter, unitOfField } from '../../../wire/catalogue/index.js';
import type { FieldValue, Reading } from '../../../wire/reading.js';
import type { LocalClock } from './local-time.js';
import { type Granularity, type Period, periodOf } from './periods.js';

/** Cumulative index fields in Wh, named `energy_<what>_wh` (the catalogue's electricity counters). */
const INDEX_FIELD = /^energy_(.+)_wh$/;
const isWhIndex = (measurement: string, field: string) =>
  INDEX_FIELD.test(field) && isCounter(measurement, field) && unitOfField(measurement, field) === 'Wh';
const NS_PER_S = 1_000_000_000n;

/** One open period of one device: what is needed to release its aggregate later, even after a restart. */
export interface OpenPeriod {
  start: bigint;
  end: bigint;
  measurement: string;
  tags: Record<string, string>;
  /** Index values the period's energy is counted from (Wh). */
  baseline: Record<string, bigint>;
  baselineTime: bigint;
  /** Latest index values seen (Wh). */
  last: Record<string, bigint>;
  lastTime: bigint;
  /** Energy counted before an index went backwards (meter replaced or reset) in this period. */
  before: Record<string, bigint>;
  samples: number;
  apparentPowerSum: number;
  apparentPowerCount: number;
}

/** What a closed period hands to the next one, so that no energy between two readings is lost. */
export interface Carry {
  end: bigint;
  last: Record<string, bigint>;
  lastTime: bigint;
}

export interface EnergyPeriodState {
  open?: OpenPeriod;
  carry?: Carry;
}

export interface AddResult {
  released: Reading[];
  counterResets: number;
}

/**
 * Aggregates one device's electricity readings over the periods of one granularity (local days or
 * half-hours): each period's energy is the index difference from the last reading before it (when
 * that reading is in the period just before) to its last reading, so consecutive periods add up to
 * the index difference over all of them.
 */
export class EnergyPeriods {
  constructor(
    readonly granularity: Granularity,
    private readonly clock: LocalClock,
    /** Mutated in place: the owner persists this very object. */
    readonly state: EnergyPeriodState = {},
  ) {}

  add(reading: Reading): AddResult {
    const released = this.due(reading.time);
    // A reading older than a period already released counts in the next one: never rewrite a published period.
    const time = this.state.carry && reading.time < this.state.carry.end ? this.state.carry.end : reading.time;
    const open = this.state.open ?? this.openPeriod(periodOf(this.granularity, time, this.clock), reading);
    this.state.open = open;
    let counterResets = 0;
    for (const [name, value] of indexFields(reading.measurement, reading.fields)) {
      const previous = open.last[name];
      if (open.baseline[name] === undefined) open.baseline[name] = value;
      else if (previous !== undefined && value < previous) {
        open.before[name] = (open.before[name] ?? 0n) + previous - open.baseline[name];
        open.baseline[name] = value;
        counterResets++;
      }
      open.last[name] = value;
    }
    const apparent = reading.fields.apparent_power_va;
    if (typeof apparent === 'number' || typeof apparent === 'bigint') {
      open.apparentPowerSum += Number(apparent);
      open.apparentPowerCount++;
    }
    open.samples++;
    if (reading.time > open.lastTime) open.lastTime = reading.time;
    open.tags = reading.tags;
    open.measurement = reading.measurement;
    return { released, counterResets };
  }

  /** Releases the open period when `now` has reached its end. */
  due(now: bigint): Reading[] {
    const open = this.state.open;
    if (!open || now < open.end) return [];
    delete this.state.open;
    this.state.carry = { end: open.end, last: open.last, lastTime: open.lastTime };
    return [this.aggregate(open)];
  }

  private openPeriod(period: Period, reading: Reading): OpenPeriod {
    const carry = this.state.carry;
    const continues = carry !== undefined && carry.end === period.start;
    return {
      start: period.start,
      end: period.end,
      measurement: reading.measurement,
      tags: reading.tags,
      baseline: continues ? { ...carry.last } : {},
      baselineTime: continues ? carry.lastTime : reading.time,
      last: continues ? { ...carry.last } : {},
      lastTime: continues ? carry.lastTime : reading.time,
      before: {},
      samples: 0,
      apparentPowerSum: 0,
      apparentPowerCount: 0,
    };
  }

  private aggregate(open: OpenPeriod): Reading {
    const fields: Record<string, FieldValue> = {};
    const deltas: Record<string, bigint> = {};
    for (const [name, last] of Object.entries(open.last)) {
      const what = INDEX_FIELD.exec(name)?.[1];
      if (what === undefined) continue;
      const delta = (open.before[name] ?? 0n) + last - (open.baseline[name] ?? last);
      deltas[name] = delta;
      fields[`period_energy_${what}_wh`] = delta;
      fields[`energy_${what}_kwh`] = last / 1000n;
    }
    const energy = periodEnergy(deltas);
    if (energy !== undefined) fields.energy_wh = energy;
    const periodS = (open.end - open.start) / NS_PER_S;
    fields.period_s = periodS;
    fields.samples = BigInt(open.samples);
    if (this.granularity === 'half-hourly') {
      const spanS = Number(open.lastTime - open.baselineTime) / 1e9;
      if (energy !== undefined && spanS > 0) fields.mean_power_w = round3((Number(energy) * 3600) / spanS);
      if (open.apparentPowerCount > 0) {
        fields.mean_apparent_power_va = round3(open.apparentPowerSum / open.apparentPowerCount);
      }
    }
    return {
      measurement: open.measurement,
      tags: { ...open.tags, granularity: this.granularity },
      fields,
      time: open.start,
    };
  }
}

/**
 * The period's imported energy: the total import index when the meter has one; else the sum of one
 * family of tariff indexes (a Linky in standard mode counts the same energy twice, by supplier
 * EASF and by distributor EASD tariffs); export is never included.
 */
function periodEnergy(deltas: Record<string, bigint>): bigint | undefined {
  if (deltas.energy_import_wh !== undefined) return deltas.energy_import_wh;
  const imports = Object.entries(deltas).filter(([name]) => name !== 'energy_export_wh');
  const supplier = imports.filter(([name]) => /^energy_easf\d+_wh$/.test(name));
  const distributor = imports.filter(([name]) => /^energy_easd\d+_wh$/.test(name));
  const family = supplier.length ? supplier : distributor.length ? distributor : imports;
  if (family.length === 0) return undefined;
  return family.reduce((sum, [, delta]) => sum + delta, 0n);
}

/** Index fields of a reading as integer Wh (drivers give integers; a float index is rounded). */
export function indexFields(measurement: string, fields: Reading['fields']): [string, bigint][] {
  const out: [string, bigint][] = [];
  for (const [name, value] of Object.entries(fields)) {
    if (!isWhIndex(measurement, name)) continue;
    if (typeof value === 'bigint') out.push([name, value]);
    else if (typeof value === 'number' && Number.isFinite(value)) out.push([name, BigInt(Math.round(value))]);
  }
  return out;
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
