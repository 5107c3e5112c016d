import { formatClock } from '../../feed/format.js';
import type { FeedState } from '../../feed/state.js';
import { h, setText } from '../dom.js';

const SHOWN = 200;

/** The live list of events from every gateway, newest first: device down/up, rejected frames and messages, drops. */
export class EventsView {
  readonly element: HTMLElement;
  private readonly body = h('tbody');
  private readonly type = h('select', { id: 'event-filter', 'aria-label': 'Event type' });
  private readonly summary = h('p', { class: 'summary' });
  private shownTop: object | undefined | null = null;

  constructor(private readonly feed: FeedState) {
    this.type.append(
      h('option', { value: '' }, 'All events'),
      ...[
        'device_down',
        'device_up',
        'frame_rejected',
        'buffer_dropped',
        'message_rejected',
        'config_reloaded',
        'clock_synced',
      ].map((t) => h('option', { value: t }, t)),
    );
    this.type.addEventListener('change', () => {
      this.shownTop = null;
      this.render();
    });
    this.element = h(
      'section',
      { class: 'view events-view', id: 'events-view' },
      h('div', { class: 'toolbar' }, this.summary, this.type),
      h(
        'table',
        { class: 'events' },
        h(
          'thead',
          {},
          h('tr', {}, ...['Received', 'Gateway', 'Device', 'Event', 'Detail'].map((t) => h('th', { scope: 'col' }, t))),
        ),
        this.body,
      ),
    );
  }

  render(): void {
    if (this.shownTop === this.feed.events[0]) return;
    this.shownTop = this.feed.events[0];
    const type = this.type.value;
    const rows = [];
    for (const e of this.feed.events) {
      if (type && e.type !== type) continue;
      const detail = [e.reason, e.count !== undefined && `×${e.count}`, e.topic && `topic ${e.topic}`]
        .filter(Boolean)
        .join(' · ');
      rows.push(
        h(
          'tr',
          { 'data-type': e.type, class: `ev-${e.type}` },
          h('td', { 'data-label': 'Received' }, formatClock(e.receivedAt)),
          h(
            'td',
            { 'data-label': 'Gateway' },
            h('a', { href: `#/gateway/${encodeURIComponent(e.gateway)}` }, e.gateway),
          ),
          h('td', { 'data-label': 'Device' }, e.device ?? '—'),
          h('td', { 'data-label': 'Event' }, e.type),
          h('td', { 'data-label': 'Detail' }, detail),
        ),
      );
      if (rows.length >= SHOWN) break;
    }
    setText(this.summary, `${this.feed.events.length} events kept (newest first)`);
    this.body.replaceChildren(...rows);
  }
}
