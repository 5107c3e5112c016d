import { EVENT_TYPES } from '../../../../wire/index.js';
import { formatWhen } from '../../feed/format.js';
import type { FeedState } from '../../feed/state.js';
import type { DashboardApi, EventFilter } from '../api.js';
import { h, setText } from '../dom.js';
import { EventLog } from '../event-log.js';
import { eventDetail } from './event-row.js';

const SHOWN = 200;
const KINDS = ['gateway_offline', 'gateway_online', ...EVENT_TYPES];

/**
 * Every gateway's events, newest first: those the broker kept (so what happened before the page was
 * opened is there) and those seen live. Filters by gateway, device and kind are asked of the broker.
 */
export class EventsView {
  readonly element: HTMLElement;
  private readonly body = h('tbody');
  private readonly kind = h('select', { id: 'event-filter', 'aria-label': 'Event kind' });
  private readonly gateway = h('select', { id: 'event-gateway', 'aria-label': 'Gateway' });
  private readonly device = h('input', {
    id: 'event-device',
    type: 'search',
    placeholder: 'device',
    'aria-label': 'Device',
  });
  private readonly summary = h('p', { class: 'summary', id: 'events-summary' });
  private readonly log: EventLog;
  private shown = '';

  constructor(
    private readonly feed: FeedState,
    api: DashboardApi,
  ) {
    this.log = new EventLog(api, feed, {});
    this.kind.append(h('option', { value: '' }, 'All kinds'), ...KINDS.map((t) => h('option', { value: t }, t)));
    this.gateway.append(h('option', { value: '' }, 'All gateways'));
    for (const el of [this.kind, this.gateway]) el.addEventListener('change', () => this.filterChanged());
    this.device.addEventListener('change', () => this.filterChanged());
    this.element = h(
      'section',
      { class: 'view events-view', id: 'events-view' },
      h('div', { class: 'toolbar' }, this.summary, this.gateway, this.device, this.kind),
      h(
        'table',
        { class: 'events' },
        h(
          'thead',
          {},
          h('tr', {}, ...['When', 'Gateway', 'Device', 'Event', 'Detail'].map((t) => h('th', { scope: 'col' }, t))),
        ),
        this.body,
      ),
    );
  }

  start(): void {
    this.log.start();
  }

  stop(): void {
    this.log.stop();
  }

  private filterChanged(): void {
    const filter: EventFilter = {
      gateway: this.gateway.value,
      device: this.device.value.trim(),
      kind: this.kind.value,
    };
    this.log.setFilter(filter);
    this.shown = '';
    this.render();
  }

  render(): void {
    this.updateGatewayChoices();
    const stamp = `${this.log.version}|${this.feed.events[0]?.receivedAt}|${this.feed.events.length}`;
    if (stamp === this.shown) return;
    this.shown = stamp;
    const now = Date.now();
    const events = this.log.list();
    const rows = events
      .slice(0, SHOWN)
      .map((e) =>
        h(
          'tr',
          { 'data-type': e.type, class: `ev-${e.type}` },
          h('td', { 'data-label': 'When' }, formatWhen(e.receivedAt, now)),
          h(
            'td',
            { 'data-label': 'Gateway' },
            h('a', { href: `#/gateway/${encodeURIComponent(e.gateway)}` }, e.gateway),
          ),
          h('td', { 'data-label': 'Device' }, e.device ?? '—'),
          h('td', { 'data-label': 'Event' }, e.type),
          h('td', { 'data-label': 'Detail' }, eventDetail(e)),
        ),
      );
    if (rows.length === 0)
      rows.push(h('tr', { class: 'none' }, h('td', { colspan: 5 }, this.log.loaded ? 'No events.' : 'Loading…')));
    const kept = this.log.loaded ? `${this.log.total} kept by the broker · ` : '';
    setText(this.summary, this.log.problem ?? `${kept}showing ${rows.length} of ${events.length} (newest first)`);
    this.summary.classList.toggle('alarm', this.log.problem !== undefined);
    this.body.replaceChildren(...rows);
  }

  private updateGatewayChoices(): void {
    const known = new Set([...this.feed.gateways.keys(), ...this.log.gateways]);
    if (this.gateway.options.length - 1 === known.size) return;
    const current = this.gateway.value;
    this.gateway.replaceChildren(
      h('option', { value: '' }, 'All gateways'),
      ...[...known].sort().map((g) => h('option', { value: g }, g)),
    );
    this.gateway.value = current;
  }
}
