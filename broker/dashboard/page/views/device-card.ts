import { displayUnit, keyFieldsOf } from '../../feed/catalogue.js';
import { formatAge, formatField } from '../../feed/format.js';
import { tagLabel } from '../../feed/history.js';
import type { DeviceView } from '../../feed/state.js';
import { h, setClass, setText } from '../dom.js';
import type { StoredLine } from '../history-loader.js';
import { type ChartLine, FieldChart } from './chart.js';

/** What a card draws from: the live feed and the stored points of the range chosen. */
export interface CardInput {
  dev: DeviceView;
  /** field → tag-set key → stored points */
  stored: Map<string, Map<string, StoredLine>> | undefined;
  fromMs: number;
  now: number;
}

/** A field's value row and its chart, created on first sight. */
interface FieldSlot {
  row: HTMLTableRowElement;
  value: HTMLElement;
  figure: HTMLElement;
  caption: HTMLElement;
  chart: FieldChart;
}

/**
 * One device: its state, the last reading (which lane, for a traffic counter), its key fields first
 * with a chart each, the other fields folded away (their charts drawn only when unfolded).
 */
export class DeviceCard {
  readonly element: HTMLElement;
  private readonly state = h('span', { class: 'badge' });
  private readonly meta = h('p', { class: 'meta' });
  private readonly error = h('p', { class: 'error' });
  private readonly keyRows = h('tbody');
  private readonly keyCharts = h('div', { class: 'charts' });
  private readonly moreRows = h('tbody');
  private readonly moreCharts = h('div', { class: 'charts' });
  private readonly moreSummary = h('summary');
  private readonly more = h(
    'details',
    { class: 'more' },
    this.moreSummary,
    h('table', { class: 'fields' }, this.moreRows),
    this.moreCharts,
  );
  private readonly slots = new Map<string, FieldSlot>();

  constructor(readonly id: string) {
    this.element = h(
      'article',
      { class: 'device', 'data-device': id },
      h('header', {}, h('h3', {}, id), this.state),
      this.meta,
      this.error,
      h('table', { class: 'fields key' }, this.keyRows),
      this.keyCharts,
      this.more,
    );
    this.more.addEventListener('toggle', () => this.element.dispatchEvent(new Event('card-toggle', { bubbles: true })));
  }

  render({ dev, stored, fromMs, now }: CardInput): void {
    this.element.dataset.state = dev.state;
    setText(this.state, dev.state === 'down' ? 'DOWN' : dev.state);
    setClass(this.element, 'down', dev.state === 'down');
    // Which lane (direction, class) the last reading was of, when the device has several.
    const several = dev.tagSets.size > 1 || [...(stored?.values() ?? [])].some((byTags) => byTags.size > 1);
    const which = several ? tagLabel(dev.tags) : '';
    const parts = [
      dev.driver,
      dev.measurement,
      which && `last: ${which}`,
      `reading ${formatAge(dev.lastReadingAt, now)}`,
    ];
    parts.push(`${dev.rejected} rejected frame${dev.rejected === 1 ? '' : 's'}`);
    setText(this.meta, parts.filter(Boolean).join(' · '));
    // An old error is history once the device is up again: said quietly, not in red.
    const recovered = dev.state !== 'down' && dev.lastError;
    setText(this.error, recovered ? `recovered from: ${dev.lastError}` : (dev.lastError ?? ''));
    setClass(this.error, 'recovered', Boolean(recovered));

    const seen = new Set([...Object.keys(dev.fields), ...dev.history.keys(), ...(stored?.keys() ?? [])]);
    const key = keyFields(dev, seen);
    // Key fields in the catalogue's order, then the others as they came.
    const names = new Set([...key, ...seen]);
    let others = 0;
    for (const name of names) {
      const slot = this.slot(name, dev, key.includes(name));
      const value = dev.fields[name];
      setText(slot.value, value === undefined ? '—' : formatField(name, value, dev.measurement));
      if (!key.includes(name)) others++;
      const isKey = key.includes(name);
      if (!isKey && !this.more.open) continue;
      const lines = chartLines(dev, name, stored?.get(name), now);
      if (lines.length === 0) continue;
      slot.chart.update(lines, fromMs, now);
      // For tests and the curious: how much is drawn, and from when.
      slot.figure.dataset.points = String(lines.reduce((n, l) => n + l.times.length, 0));
      slot.figure.dataset.oldest = String(Math.min(...lines.map((l) => l.times[0] ?? now)));
      slot.figure.dataset.lines = String(lines.length);
      setText(slot.caption, slot.chart.shownUnit ? `${name} (${slot.chart.shownUnit})` : name);
    }
    setText(this.moreSummary, `${others} more field${others === 1 ? '' : 's'}`);
    this.more.hidden = others === 0;
  }

  destroy(): void {
    for (const s of this.slots.values()) s.chart.destroy();
  }

  private slot(name: string, dev: DeviceView, isKey: boolean): FieldSlot {
    let slot = this.slots.get(name);
    if (slot) return slot;
    const value = h('td', { class: 'value', 'data-field': name });
    // Long field names wrap at their underscores, not in the middle of a unit.
    const row = h('tr', {}, h('th', { scope: 'row' }, name.replace(/_/g, '_\u200b')), value);
    const caption = h('figcaption', {}, name);
    const chart = new FieldChart(name, displayUnit(dev.measurement, name));
    const figure = h('figure', { 'data-field': name }, caption, chart.element);
    slot = { row, value, figure, caption, chart };
    this.slots.set(name, slot);
    (isKey ? this.keyRows : this.moreRows).append(row);
    (isKey ? this.keyCharts : this.moreCharts).append(figure);
    return slot;
  }
}

/** The catalogue's key fields that this device has; for an unknown measurement, its first two numbers. */
function keyFields(dev: DeviceView, names: Set<string>): string[] {
  const declared = dev.measurement ? keyFieldsOf(dev.measurement).filter((f) => names.has(f)) : [];
  if (declared.length > 0) return declared;
  return [...names].filter((n) => typeof dev.fields[n] !== 'string' && typeof dev.fields[n] !== 'boolean').slice(0, 2);
}

/** Stored points up to where the live ones start, then the live ones, per tag set. */
function chartLines(
  dev: DeviceView,
  field: string,
  stored: Map<string, StoredLine> | undefined,
  now: number,
): ChartLine[] {
  const live = dev.history.get(field);
  const keys = new Set([...(stored?.keys() ?? []), ...(live?.keys() ?? [])]);
  const lines: ChartLine[] = [];
  for (const key of keys) {
    const [xs, ys] = live?.get(key)?.window(now) ?? [[], []];
    const firstLive = xs.length > 0 ? (xs[0] as number) * 1000 : Number.POSITIVE_INFINITY;
    const past = stored?.get(key);
    const times: number[] = [];
    const values: (number | null)[] = [];
    if (past)
      for (let i = 0; i < past.times.length; i++) {
        const t = past.times[i] as number;
        if (t >= firstLive) break;
        times.push(t);
        values.push(past.values[i] ?? null);
      }
    for (let i = 0; i < xs.length; i++) {
      times.push((xs[i] as number) * 1000);
      values.push(ys[i] as number);
    }
    const tags = dev.tagSets.get(key);
    lines.push({ label: past?.label ?? (tags ? tagLabel(tags) : key), times, values });
  }
  return lines.filter((l) => l.times.length > 0);
}
