/** "6m", "30s", "1h", "90" (seconds) → seconds. Throws naming the value. */
export function parseDurationS(value: string | number): number {
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value > 0) return value;
    throw new Error(`period ${value}: a whole number of seconds > 0, or "6m", "30s", "1h"`);
  }
  const match = /^(\d+)\s*(s|m|h)?$/.exec(value.trim());
  const seconds = match ? Number(match[1]) * { s: 1, m: 60, h: 3600 }[(match[2] ?? 's') as 's' | 'm' | 'h'] : 0;
  if (!(seconds > 0)) throw new Error(`period "${value}": write it like "6m", "30s", "1h" or a number of seconds`);
  return seconds;
}
