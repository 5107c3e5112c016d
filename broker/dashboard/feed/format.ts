import type { FieldValue } from '../../../wire/index.js';
import { displayUnit } from './catalogue.js';

/**
 * Numbers as people read them: grouped digits, a handful of significant ones, and the unit scaled so
 * the number stays between 1 and 999,999 (13,480,000 Wh reads "13,480 kWh"). Never an exponent.
 */
const LADDERS: Record<string, readonly string[]> = {
  Wh: ['Wh', 'kWh', 'MWh', 'GWh'],
  kWh: ['kWh', 'MWh', 'GWh'],
  W: ['W', 'kW', 'MW', 'GW'],
  kW: ['kW', 'MW', 'GW'],
  VA: ['VA', 'kVA', 'MVA'],
  var: ['var', 'kvar', 'Mvar'],
  varh: ['varh', 'kvarh', 'Mvarh'],
  kvarh: ['kvarh', 'Mvarh'],
  g: ['g', 'kg', 't'],
  kg: ['kg', 't', 'kt'],
};

export interface Scale {
  factor: number;
  unit: string;
}

/** The unit step for values up to `maxAbs`: the largest that keeps at least 1,000 of it. */
export function scaleFor(unit: string, maxAbs: number): Scale {
  const ladder = LADDERS[unit];
  if (!ladder || !Number.isFinite(maxAbs)) return { factor: 1, unit };
  let step = 0;
  while (step + 1 < ladder.length && maxAbs / 1000 ** (step + 1) >= 1000) step++;
  return { factor: 1000 ** step, unit: ladder[step] as string };
}

const FORMATS = new Map<number, Intl.NumberFormat>();
function grouped(value: number, fractionDigits: number): string {
  let f = FORMATS.get(fractionDigits);
  if (!f) {
    f = new Intl.NumberFormat('en-US', { maximumFractionDigits: fractionDigits, useGrouping: true });
    FORMATS.set(fractionDigits, f);
  }
  return f.format(value);
}

const SMALL = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 3 });

/** A plain number: 0 decimals from 1,000, 1 from 100, 2 from 1, 3 significant digits below. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs === 0) return '0';
  if (abs >= 1000) return grouped(value, 0);
  if (abs >= 100) return grouped(value, 1);
  if (abs >= 1) return grouped(value, 2);
  return SMALL.format(value);
}

/** A value with its unit, scaled: `formatQuantity(13_480_000, 'Wh')` → "13,480 kWh". */
export function formatQuantity(value: FieldValue, unit: string): string {
  if (typeof value === 'bigint') value = Number(value);
  if (typeof value !== 'number') return String(value);
  const scale = scaleFor(unit, Math.abs(value));
  const text = formatNumber(value / scale.factor);
  return scale.unit ? `${text} ${scale.unit}` : text;
}

/** How a field's value reads for an operator, with the unit of its measurement's catalogue or its name. */
export function formatField(name: string, value: FieldValue, measurement?: string): string {
  return formatQuantity(value, displayUnit(measurement, name));
}

export function formatValue(value: FieldValue): string {
  return formatQuantity(value, '');
}

/** "4 s ago", "3 min ago", "2 h ago", "5 d ago". */
export function formatAge(thenMs: number | undefined, nowMs: number): string {
  if (thenMs === undefined) return '—';
  const s = Math.max(0, Math.round((nowMs - thenMs) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

/** "45 s", "12 min", "3 h 20 min", "2 d 4 h": how long a gateway was offline. */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min`;
  const hours = Math.floor(min / 60);
  if (hours < 24) return min % 60 ? `${hours} h ${min % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
}

/** HH:MM:SS in local time, for lists and the terminal feed. */
export function formatClock(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** "Dec 1, 03:12:45" when not today, else the clock: kept events may be days old. */
export function formatWhen(ms: number, nowMs: number): string {
  const d = new Date(ms);
  if (new Date(nowMs).toDateString() === d.toDateString()) return formatClock(ms);
  return `${d.toLocaleDateString('en-US', { month: 'short', day: 'numeric' })}, ${formatClock(ms)}`;
}
