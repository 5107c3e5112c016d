import { formatAge, formatClock, formatField } from '../../feed/format.js';
import type { DeviceView, FeedState } from '../../feed/state.js';
import { h, setClass, setText } from '../dom.js';
import { FieldChart } from './chart.js';

/** One device's card: state, last reading with units, rejected frames, and a chart per numeric field. */
class DeviceCard {
  readonly element: HTMLElement;
  private readonly state = h('span', { class: 'badge' });
  private readonly meta = h('p', { class: 'meta' });
  private readonly error = h('p', { class: 'error' });
  private readonly fields = h('tbody');
  private readonly charts = h('div', { class: 'charts' });
  private readonly chartByField = new Map<string, FieldChart>();
  private readonly valueByField = new Map<string, HTMLElement>();

  constructor(readonly id: string) {
    this.element = h(
      'article',
      { class: 'device', 'data-device': id },
      h('header', {}, h('h3', {}, id), this.state),
      this.meta,
      this.error,
      h('table', { class: 'fields' }, this.fields),
      this.charts,
    );
  }

  render(dev: DeviceView, now: number): void {
    this.element.dataset.state = dev.state;
    setText(this.state, dev.state === 'down' ? 'DOWN' : dev.state);
    setClass(this.element, 'down', dev.state === 'down');
    const parts = [dev.driver, dev.measurement, `last reading ${formatAge(dev.lastReadingAt, now)}`];
    parts.push(`${dev.rejected} rejected frame${dev.rejected === 1 ? '' : 's'}`);
    setText(this.meta, parts.filter(Boolean).join(' · '));
    setText(this.error, dev.lastError ?? '');
    for (const [name, value] of Object.entries(dev.fields)) {
      let cell = this.valueByField.get(name);
      if (!cell) {
        cell = h('td', { class: 'value', 'data-field': name });
        this.valueByField.set(name, cell);
        this.fields.append(h('tr', {}, h('th', { scope: 'row' }, name), cell));
      }
      setText(cell, formatField(name, value));
    }
    for (const [name, series] of dev.history) {
      let chart = this.chartByField.get(name);
      if (!chart) {
        chart = new FieldChart(name);
        this.chartByField.set(name, chart);
        this.charts.append(h('figure', {}, h('figcaption', {}, name), chart.element));
      }
      chart.update(series, now);
    }
  }

  destroy(): void {
    for (const chart of this.chartByField.values()) chart.destroy();
  }
}

/** The devices of one gateway, and that gateway's recent events. */
export class DevicesView {
  readonly element: HTMLElement;
  private readonly title = h('h2');
  private readonly info = h('p', { class: 'meta', id: 'gateway-info' });
  private readonly grid = h('div', { class: 'devices' });
  private readonly events = h('ul', { class: 'events compact' });
  private readonly cards = new Map<string, DeviceCard>();

  constructor(
    private readonly feed: FeedState,
    readonly gateway: string,
  ) {
    this.element = h(
      'section',
      { class: 'view gateway', id: 'gateway-view', 'data-gateway': gateway },
      h('p', {}, h('a', { href: '#/' }, '← All gateways')),
      h('header', { class: 'gateway-head' }, this.title, this.info),
      this.grid,
      h('h3', {}, 'Recent events'),
      this.events,
    );
  }

  render(now: number): void {
    const gw = this.feed.gateways.get(this.gateway);
    setText(this.title, this.gateway);
    if (!gw) {
      setText(this.info, 'Nothing heard from this gateway yet.');
      return;
    }
    this.element.dataset.state = gw.state;
    const clock = gw.clockSynced === undefined ? '' : gw.clockSynced ? 'clock synced' : 'CLOCK NOT SYNCED';
    setText(
      this.info,
      [
        gw.state === 'offline' ? 'OFFLINE' : gw.state,
        gw.site,
        gw.version && `v${gw.version}`,
        gw.backlog !== undefined && `backlog ${gw.backlog}`,
        clock,
        `last seen ${formatAge(gw.lastSeen, now)}`,
      ]
        .filter(Boolean)
        .join(' · '),
    );
    setClass(this.info, 'alarm', gw.state === 'offline');
    for (const dev of [...gw.devices.values()].sort((a, b) => (a.id < b.id ? -1 : 1))) {
      let card = this.cards.get(dev.id);
      if (!card) {
        card = new DeviceCard(dev.id);
        this.cards.set(dev.id, card);
        this.grid.append(card.element);
      }
      card.render(dev, now);
    }
    const items = [];
    for (const e of this.feed.events) {
      if (e.gateway !== this.gateway) continue;
      items.push(
        h(
          'li',
          { 'data-type': e.type },
          `${formatClock(e.receivedAt)} ${e.type}${e.device ? ` ${e.device}` : ''}${e.reason ? `: ${e.reason}` : ''}`,
        ),
      );
      if (items.length >= 20) break;
    }
    if (items.length === 0) items.push(h('li', { class: 'none' }, 'No events from this gateway yet.'));
    this.events.replaceChildren(...items);
  }

  destroy(): void {
    for (const card of this.cards.values()) card.destroy();
  }
}
