import { readFileSync } from 'node:fs';

/**
 * An hourly carbon intensity series (gCO2/kWh) from an RTE éCO2mix file. Two layouts are read:
 * - the éCO2mix download ("eCO2mix_RTE_….xls", in fact tab-separated Latin-1 text): columns `Date`
 *   (YYYY-MM-DD) and `Heures` (HH:MM), French local time, and `Taux de Co2` (g/kWh);
 * - the ODRÉ open-data export (`;`-separated UTF-8): `Date - Heure` (ISO 8601 with offset) and
 *   `Taux de CO2 (g/kWh)`; or their API names `date_heure` and `taux_co2`.
 * Rows without a value (éCO2mix leaves some quarter-hours empty) are skipped; the values within an hour
 * are averaged. Keys are the UTC hour starts in milliseconds.
 */
export interface IntensitySeries {
  /** UTC hour start (ms) → gCO2/kWh. */
  hourly: Map<number, number>;
  source: string;
  rowsRead: number;
  rowsSkipped: number;
}

export function loadIntensityCsv(path: string): IntensitySeries {
  const bytes = readFileSync(path);
  let text = bytes.toString('utf8');
  if (text.includes('\uFFFD')) text = bytes.toString('latin1');
  return parseIntensityCsv(text, `RTE éCO2mix (${path})`, path);
}

const HOUR_MS = 3_600_000;

export function parseIntensityCsv(text: string, source: string, file = 'intensity CSV'): IntensitySeries {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const headerIndex = lines.findIndex((l) => /taux.?de.?co2|taux_co2/i.test(l));
  if (headerIndex < 0) throw new Error(`${file}: no "Taux de CO2" (or taux_co2) column header found`);
  const header = lines[headerIndex]!;
  const sep = header.includes('\t') ? '\t' : header.includes(';') ? ';' : ',';
  const columns = header.split(sep).map((c) => c.trim().replace(/^"|"$/g, ''));
  const find = (re: RegExp) => columns.findIndex((c) => re.test(c));
  const co2 = find(/^taux.?de.?co2|^taux_co2$/i);
  const isoTime = find(/^date\s*-\s*heure$|^date_heure$/i);
  const date = find(/^date$/i);
  const hours = find(/^heures?$/i);
  if (isoTime < 0 && (date < 0 || hours < 0)) {
    throw new Error(`${file}:${headerIndex + 1}: needs a "Date - Heure" column, or "Date" and "Heures" columns`);
  }
  const sums = new Map<number, { sum: number; n: number }>();
  let rowsRead = 0;
  let rowsSkipped = 0;
  for (let i = headerIndex + 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const cells = line.split(sep).map((c) => c.trim().replace(/^"|"$/g, ''));
    const value = Number((cells[co2] ?? '').replace(',', '.'));
    const ms = isoTime >= 0 ? Date.parse(cells[isoTime] ?? '') : parisLocalToUtc(cells[date] ?? '', cells[hours] ?? '');
    if (!(cells[co2] ?? '').length || !Number.isFinite(value) || !Number.isFinite(ms)) {
      rowsSkipped++;
      continue;
    }
    rowsRead++;
    const hour = Math.floor(ms / HOUR_MS) * HOUR_MS;
    const s = sums.get(hour) ?? { sum: 0, n: 0 };
    s.sum += value;
    s.n++;
    sums.set(hour, s);
  }
  const hourly = new Map([...sums].map(([h, s]) => [h, s.sum / s.n]));
  return { hourly, source, rowsRead, rowsSkipped };
}

const parisParts = new Intl.DateTimeFormat('en-US', {
  timeZone: 'Europe/Paris',
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
});

/** Europe/Paris offset from UTC, in ms, at an instant. */
function parisOffset(utcMs: number): number {
  const p = Object.fromEntries(parisParts.formatToParts(utcMs).map((x) => [x.type, Number(x.value)]));
  return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!) - (utcMs - (utcMs % 60_000));
}

/** "2024-03-31", "02:15" in French local time → UTC ms (NaN when unreadable). */
export function parisLocalToUtc(date: string, time: string): number {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date) ?? /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(date);
  const t = /^(\d{1,2}):(\d{2})/.exec(time);
  if (!d || !t) return Number.NaN;
  const [y, mo, da] = d[1]!.length === 4 ? [d[1], d[2], d[3]] : [d[3], d[2], d[1]];
  const asUtc = Date.UTC(Number(y), Number(mo) - 1, Number(da), Number(t[1]), Number(t[2]));
  const first = asUtc - parisOffset(asUtc);
  const second = asUtc - parisOffset(first);
  return second;
}
