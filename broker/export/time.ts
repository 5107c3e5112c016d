import { durationNs } from '../schema/retention.js';

/**
 * A point in time from the command line, in nanoseconds since the epoch: `now`, `now-7d`, a date
 * (2026-01-31, midnight UTC), an RFC 3339 time (2026-01-31T12:00:00+01:00, fractions to the ns), or an
 * integer of nanoseconds. `option` names the flag in the error.
 */
export function parseTime(text: string, option: string, nowMs = Date.now()): bigint {
  const t = text.trim();
  const relative = /^now(?:\s*([+-])\s*(\S+))?$/i.exec(t);
  if (relative) {
    const now = BigInt(nowMs) * 1_000_000n;
    if (!relative[1]) return now;
    const d = durationNs(relative[2]!, option);
    return relative[1] === '-' ? now - d : now + d;
  }
  if (/^-?\d+$/.test(t)) return BigInt(t);
  const iso = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?)?$/i.exec(t);
  if (iso) {
    const [, date, clock, fraction, zone] = iso;
    const ms = Date.parse(`${date}T${clock ?? '00:00:00'}${zone ?? 'Z'}`);
    if (Number.isFinite(ms)) return BigInt(ms) * 1_000_000n + BigInt((fraction ?? '').padEnd(9, '0'));
  }
  throw new Error(
    `${option}: "${text}" is not a time (use now, now-7d, 2026-01-31, 2026-01-31T12:00:00Z or nanoseconds)`,
  );
}

/** RFC 3339 in UTC with the fraction InfluxDB would print (trailing zeros dropped), e.g. 2026-01-31T12:00:00.5Z. */
export function formatTime(ns: bigint): string {
  let seconds = ns / 1_000_000_000n;
  let sub = ns - seconds * 1_000_000_000n;
  if (sub < 0n) {
    seconds -= 1n;
    sub += 1_000_000_000n;
  }
  // Rows come in time order: the date part changes once a second at most, so it is formatted once.
  if (seconds !== lastSecond) {
    lastSecond = seconds;
    lastPrefix = datePrefix(Number(seconds));
  }
  if (sub === 0n) return `${lastPrefix}Z`;
  let fraction = sub.toString().padStart(9, '0');
  while (fraction.endsWith('0')) fraction = fraction.slice(0, -1);
  return `${lastPrefix}.${fraction}Z`;
}
let lastSecond: bigint | undefined;

/** The date and clock of a second since the epoch, e.g. 2026-01-31T12:00:00. */
export function datePrefix(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 19);
}
let lastPrefix = '';
