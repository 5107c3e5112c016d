import { DateTime, IANAZone } from 'luxon';

/**
 * How a record's timestamp is written: `iso` (ISO 8601; an offset in the text wins over the time zone),
 * `epoch_s` / `epoch_ms` (numbers since 1970, UTC), or a Luxon format such as `dd/MM/yyyy HH:mm` or
 * `yyyy-MM` (https://moment.github.io/luxon/#/parsing?id=table-of-tokens), read in `timeZone`.
 */
export interface TimeFormat {
  format: string;
  timeZone: string;
}

export function isTimeZone(zone: string): boolean {
  return zone === 'UTC' || IANAZone.isValidZone(zone);
}

/** The instant as nanoseconds since the epoch, or why the value is not a date in that format. */
export function parseTime(value: unknown, { format, timeZone }: TimeFormat): { ns: bigint } | { problem: string } {
  if (value === undefined || value === null || value === '') return { problem: 'no timestamp' };
  if (format === 'epoch_s' || format === 'epoch_ms') {
    const n = typeof value === 'number' ? value : Number(String(value).trim());
    if (!Number.isFinite(n)) return { problem: `"${String(value)}" is not a number of ${format.slice(6)}` };
    const ms = format === 'epoch_s' ? n * 1000 : n;
    return { ns: BigInt(Math.round(ms)) * 1_000_000n };
  }
  if (typeof value !== 'string') return { problem: `${JSON.stringify(value)} is not a date text` };
  const text = value.trim();
  const parsed =
    format === 'iso'
      ? DateTime.fromISO(text, { zone: timeZone })
      : DateTime.fromFormat(text, format, { zone: timeZone });
  if (!parsed.isValid)
    return { problem: `"${text}" is not a date as ${format} (${parsed.invalidExplanation ?? parsed.invalidReason})` };
  return { ns: BigInt(parsed.toMillis()) * 1_000_000n };
}
