/**
 * `date.toISOString()`, computed from the UTC fields. V8's toISOString asks ICU for the local time zone
 * first (unused for the result), which maps ICU's time-zone tables from the node binary: 0.6 MiB of a
 * gateway's resident memory for a string that does not depend on them. Same text, same RangeError for
 * an invalid date; years outside 0–9999 (which toISOString writes as ±YYYYYY) go to toISOString.
 */
export function isoTime(time: Date | number): string {
  const date = typeof time === 'number' ? new Date(time) : time;
  const year = date.getUTCFullYear();
  if (!(year >= 0 && year <= 9999)) return date.toISOString();
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return (
    `${pad(year, 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}` +
    `T${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}` +
    `.${pad(date.getUTCMilliseconds(), 3)}Z`
  );
}
