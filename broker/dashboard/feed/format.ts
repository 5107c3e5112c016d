import type { FieldValue } from '../../../wire/index.js';
import { unitOf } from './units.js';

/** How a field's value reads for an operator: the number, trimmed, with its unit. */
export function formatField(name: string, value: FieldValue): string {
  const unit = unitOf(name);
  return unit ? `${formatValue(value)} ${unit}` : formatValue(value);
}

export function formatValue(value: FieldValue): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return String(value);
    const abs = Math.abs(value);
    if (abs !== 0 && (abs >= 1e7 || abs < 1e-3)) return value.toExponential(3);
    return String(Number(value.toFixed(abs >= 100 ? 1 : 3)));
  }
  return String(value);
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

/** HH:MM:SS in local time, for lists and the terminal feed. */
export function formatClock(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
