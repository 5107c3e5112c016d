import { formatAge, formatWhen } from '../../feed/format.js';
import { HISTORY_RANGES, type HistoryRange } from '../../feed/history.js';
import type { FeedState } from '../../feed/state.js';
import type { DashboardApi } from '../api.js';
import { h, setClass, setText } from '../dom.js';
import { EventLog } from '../event-log.js';
import { HistoryLoader } from '../history-loader.js';
import { DeviceCard } from './device-card.js';
import { eventDetail } from './event-row.js';

const RANGE_LABEL: Record<HistoryRange, string> = { '1h': '1 h', '24h': '24 h', '7d': '7 d' };

/** The devices of one gateway with their history over the range chosen, and that gateway's events. */
export class DevicesView {
  readonly element: HTMLElement;
  private readonly title = h('h2');
  private readonly info = h('p', { class: 'meta', id: 'gateway-info' });
  private readonly historyInfo = h('span', { class: 'meta', id: 'history-info' });
  private readonly grid = h('div', { class: 'devices' });
  private readonly events = h('ul', { class: 'events compact', id: 'gateway-events' });
  private readonly cards = new Map<string, DeviceCard>();
  private readonly ranges = new Map<HistoryRange, HTMLButtonElement>();
  private readonly history: HistoryLoader;
  private readonly log: EventLog;
  private eventsShown = '';

  constructor(
    private readonly feed: FeedState,
    readonly gateway: string,
    api: DashboardApi,
    range: HistoryRange = '1h',
  ) {
    this.history = new HistoryLoader(api, gateway, range, (response) => {
      for (const last of response.last) feed.seedLastReading(gateway, last);
      this.render(Date.now());
    });
    this.log = new EventLog(api, feed, { gateway }, 20);
    const picker = h('div', { class: 'ranges', role: 'group', 'aria-label': 'History range' });
    for (const r of HISTORY_RANGES) {
      const b = h('button', { type: 'button', id: `range-${r}`, 'data-range': r }, RANGE_LABEL[r]);
      b.addEventListener('click', () => this.setRange(r));
      this.ranges.set(r, b);
      picker.append(b);
    }
    this.element = h(
      'section',
      { class: 'view gateway', id: 'gateway-view', 'data-gateway': gateway },
      h('p', {}, h('a', { href: '#/' }, '← All gateways')),
      h('header', { class: 'gateway-head' }, this.title, this.info),
      h('div', { class: 'toolbar' }, picker, this.historyInfo),
      this.grid,
      h('h3', {}, 'Events of this gateway'),
      this.events,
    );
    this.element.addEventListener('card-toggle', () => this.render(Date.now()));
    this.history.start();
    this.log.start();
    this.markRange();
  }

  get range(): HistoryRange {
    return this.history.range;
  }

  private setRange(range: HistoryRange): void {
    this.history.setRange(range);
    this.markRange();
    this.render(Date.now());
  }

  private markRange(): void {
    for (const [r, b] of this.ranges) {
      setClass(b, 'current', r === this.history.range);
      b.setAttribute('aria-pressed', String(r === this.history.range));
    }
  }

  render(now: number): void {
    const gw = this.feed.gateways.get(this.gateway);
    setText(this.title, this.gateway);
    this.renderHistoryInfo();
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
    const fromMs = now - this.history.rangeMs;
    for (const dev of [...gw.devices.values()].sort((a, b) => (a.id < b.id ? -1 : 1))) {
      let card = this.cards.get(dev.id);
      if (!card) {
        card = new DeviceCard(dev.id);
        this.cards.set(dev.id, card);
        this.grid.append(card.element);
      }
      card.render({ dev, stored: this.history.points.get(dev.id), fromMs, now });
    }
    this.renderEvents(now);
  }

  private renderHistoryInfo(): void {
    const h = this.history;
    const r = h.response;
    const text = h.problem
      ? h.problem
      : r?.note
        ? r.note
        : r
          ? `history: ${r.source === 'raw' ? 'readings' : 'hourly rollups'}, one point per ${r.stepMs >= 3_600_000 ? `${r.stepMs / 3_600_000} h` : r.stepMs >= 60_000 ? `${r.stepMs / 60_000} min` : `${r.stepMs / 1000} s`}, then live`
          : 'loading history…';
    setText(this.historyInfo, text);
    setClass(this.historyInfo, 'alarm', h.problem !== undefined);
    this.historyInfo.dataset.loaded = r ? 'yes' : 'no';
  }

  private renderEvents(now: number): void {
    const stamp = `${this.log.version}|${this.feed.events.length}|${this.feed.events[0]?.receivedAt}`;
    if (stamp === this.eventsShown) return;
    this.eventsShown = stamp;
    const items = this.log
      .list()
      .slice(0, 20)
      .map((e) =>
        h(
          'li',
          { 'data-type': e.type },
          `${formatWhen(e.receivedAt, now)} ${e.type}${e.device ? ` ${e.device}` : ''}`,
          h('span', { class: 'detail' }, eventDetail(e) ? `: ${eventDetail(e)}` : ''),
        ),
      );
    if (items.length === 0)
      items.push(h('li', { class: 'none' }, this.log.loaded ? 'No events from this gateway.' : 'Loading events…'));
    this.events.replaceChildren(...items);
  }

  destroy(): void {
    this.history.stop();
    this.log.stop();
    for (const card of this.cards.values()) card.destroy();
  }
}
