/**
 * Local calendar arithmetic on nanosecond UTC instants for one IANA time zone, through Intl (the
 * tz database Node ships), so days are 23 or 25 hours long on DST changes.
 */

const NS_PER_MS = 1_000_000n;
const MS_PER_MINUTE = 60_000;

export interface LocalClock {
  timeZone: string;
  /** UTC offset in ms (local − UTC) at an instant. */
  offsetMs(ms: number): number;
  /** The instant (ns) at which the local day holding `ns` starts. */
  dayStart(ns: bigint): bigint;
  /** The instant (ns) at which the next local day starts. */
  nextDayStart(ns: bigint): bigint;
  /** The local date (YYYY-MM-DD) holding an instant. */
  date(ns: bigint): string;
}

export function localClock(timeZone: string): LocalClock {
  // Throws RangeError on an unknown zone: a config error worth stopping for. Checked against the list
  // of zones first: a DateTimeFormat costs the process ~8 MiB of ICU data and objects, which a gateway
  // without consent-restricted devices never needs (it is made on first use).
  if (!Intl.supportedValuesOf('timeZone').includes(timeZone)) formatter(timeZone);
  let format: Intl.DateTimeFormat | undefined;
  const parts = (ms: number) => {
    format ??= formatter(timeZone);
    const out: Record<string, number> = {};
    for (const p of format.formatToParts(ms)) if (p.type !== 'literal') out[p.type] = Number(p.value);
    return out as { year: number; month: number; day: number; hour: number; minute: number; second: number };
  };
  const offsetMs = (ms: number) => {
    const p = parts(ms);
    const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
    return asUtc - Math.floor(ms / 1000) * 1000;
  };
  /** The first instant whose local date is (year, month, day). */
  const startOfDate = (year: number, month: number, day: number): number => {
    const midnightAsUtc = Date.UTC(year, month - 1, day);
    let guess = midnightAsUtc - offsetMs(midnightAsUtc);
    guess = midnightAsUtc - offsetMs(guess);
    // Where midnight itself is skipped by a DST jump, the day starts at the first existing minute.
    const p = parts(guess);
    if (Date.UTC(p.year, p.month - 1, p.day) < midnightAsUtc) {
      while (parts(guess).day !== day) guess += MS_PER_MINUTE;
    } else {
      while (parts(guess - MS_PER_MINUTE).day === day) guess -= MS_PER_MINUTE;
    }
    return guess;
  };
  const toMs = (ns: bigint) => Number(ns / NS_PER_MS);
  return {
    timeZone,
    offsetMs,
    dayStart(ns) {
      const p = parts(toMs(ns));
      return BigInt(startOfDate(p.year, p.month, p.day)) * NS_PER_MS;
    },
    nextDayStart(ns) {
      const p = parts(toMs(ns));
      const next = new Date(Date.UTC(p.year, p.month - 1, p.day + 1));
      return BigInt(startOfDate(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate())) * NS_PER_MS;
    },
    date(ns) {
      const p = parts(toMs(ns));
      return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
    },
  };
}

function formatter(timeZone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}
