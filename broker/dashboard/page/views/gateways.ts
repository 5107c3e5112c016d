import { formatAge } from '../../feed/format.js';
import type { FeedState, GatewayView } from '../../feed/state.js';
import { h, setClass, setText } from '../dom.js';

type SortKey = 'state' | 'id' | 'site' | 'lastSeen' | 'version' | 'backlog' | 'clock' | 'devices';

const COLUMNS: Array<[SortKey, string]> = [
  ['state', 'State'],
  ['id', 'Gateway'],
  ['site', 'Site'],
  ['lastSeen', 'Last seen'],
  ['version', 'Version'],
  ['backlog', 'Backlog'],
  ['clock', 'Clock'],
  ['devices', 'Devices up'],
];

const STATE_RANK = { offline: 0, unknown: 1, online: 2 } as const;

function devicesUp(gw: GatewayView): number {
  let up = 0;
  for (const d of gw.devices.values()) if (d.state === 'up') up++;
  return up;
}

function sortValue(gw: GatewayView, key: SortKey): string | number {
  switch (key) {
    case 'state':
      return STATE_RANK[gw.state];
    case 'id':
      return gw.id;
    case 'site':
      return gw.site ?? '';
    case 'lastSeen':
      return gw.lastSeen ?? 0;
    case 'version':
      return gw.version ?? '';
    case 'backlog':
      return gw.backlog ?? -1;
    case 'clock':
      return gw.clockSynced === undefined ? 1 : gw.clockSynced ? 2 : 0;
    case 'devices':
      return devicesUp(gw) - gw.devices.size;
  }
}

/** The fleet: one row per gateway, offline ones first by default and in red; sortable, filterable by site. */
export class GatewaysView {
  readonly element: HTMLElement;
  private readonly body = h('tbody');
  private readonly summary = h('p', { class: 'summary', id: 'fleet-summary' });
  private readonly site = h('select', { id: 'site-filter', 'aria-label': 'Site' });
  private readonly search = h('input', { id: 'gateway-filter', type: 'search', placeholder: 'Filter gateways…' });
  private readonly headers = new Map<SortKey, HTMLTableCellElement>();
  private readonly rows = new Map<string, HTMLTableRowElement>();
  private sortKey: SortKey = 'state';
  private ascending = true;
  private knownSites = '';

  constructor(
    private readonly feed: FeedState,
    open: (gateway: string) => void,
  ) {
    const headRow = h('tr');
    for (const [key, label] of COLUMNS) {
      const th = h('th', { scope: 'col', 'data-sort': key, tabindex: 0 }, label);
      th.addEventListener('click', () => this.sortBy(key));
      th.addEventListener('keydown', (e) => e.key === 'Enter' && this.sortBy(key));
      this.headers.set(key, th);
      headRow.append(th);
    }
    const openRow = (e: Event) => {
      const row = (e.target as Element).closest('tr[data-gateway]');
      if (row) open((row as HTMLElement).dataset.gateway as string);
    };
    this.body.addEventListener('click', openRow);
    this.body.addEventListener('keydown', (e) => e.key === 'Enter' && openRow(e));
    this.site.addEventListener('change', () => this.render(Date.now()));
    this.search.addEventListener('input', () => this.render(Date.now()));
    this.element = h(
      'section',
      { class: 'view gateways', id: 'gateways-view' },
      h('div', { class: 'toolbar' }, this.summary, this.site, this.search),
      h('table', { class: 'fleet' }, h('thead', {}, headRow), this.body),
    );
    this.markSort();
  }

  render(now: number): void {
    this.refreshSites();
    const site = this.site.value;
    const text = this.search.value.trim().toLowerCase();
    let online = 0;
    let offline = 0;
    const rows: GatewayView[] = [];
    for (const gw of this.feed.gateways.values()) {
      if (gw.state === 'online') online++;
      if (gw.state === 'offline') offline++;
      if (site && gw.site !== site) continue;
      if (text && !gw.id.toLowerCase().includes(text) && !(gw.site ?? '').toLowerCase().includes(text)) continue;
      rows.push(gw);
    }
    const dir = this.ascending ? 1 : -1;
    rows.sort((a, b) => {
      const x = sortValue(a, this.sortKey);
      const y = sortValue(b, this.sortKey);
      if (x < y) return -dir;
      if (x > y) return dir;
      return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    });
    setText(
      this.summary,
      `${this.feed.gateways.size} gateways · ${online} online · ${offline} offline` +
        (rows.length !== this.feed.gateways.size ? ` · ${rows.length} shown` : ''),
    );
    this.summary.classList.toggle('alarm', offline > 0);
    // Rows are kept per gateway and only their changed texts are touched: a steady fleet costs little layout.
    let at = this.body.firstElementChild;
    for (const gw of rows) {
      const row = this.row(gw, now);
      if (row !== at) this.body.insertBefore(row, at);
      else at = at.nextElementSibling;
    }
    while (at) {
      const next = at.nextElementSibling;
      at.remove();
      at = next;
    }
    if (this.rows.size > this.feed.gateways.size)
      for (const id of this.rows.keys()) if (!this.feed.gateways.has(id)) this.rows.delete(id);
  }

  private row(gw: GatewayView, now: number): HTMLTableRowElement {
    let row = this.rows.get(gw.id);
    if (!row) {
      row = h('tr', { 'data-gateway': gw.id, tabindex: 0 });
      for (const [key, label] of COLUMNS) row.append(h('td', { 'data-label': label, class: key }));
      this.rows.set(gw.id, row);
    }
    if (row.dataset.state !== gw.state) {
      row.dataset.state = gw.state;
      row.className = `gw-${gw.state}`;
    }
    const up = devicesUp(gw);
    const clock = gw.clockSynced === undefined ? '—' : gw.clockSynced ? 'synced' : 'NOT SYNCED';
    const cells = row.children;
    const cell = (i: number, text: string, warn = false) => {
      const td = cells[i] as HTMLElement;
      setText(td, text);
      setClass(td, 'warn', warn);
    };
    cell(0, gw.state === 'offline' ? 'OFFLINE' : gw.state);
    cell(1, gw.id);
    cell(2, gw.site ?? '—');
    cell(3, formatAge(gw.lastSeen, now));
    cell(4, gw.version ?? '—');
    cell(5, gw.backlog === undefined ? '—' : String(gw.backlog), Boolean(gw.backlog));
    cell(6, clock, gw.clockSynced === false);
    cell(7, `${up}/${gw.devices.size}`, up < gw.devices.size);
    return row;
  }

  private refreshSites(): void {
    const sites = this.feed.sites();
    const key = sites.join('\n');
    if (key === this.knownSites) return;
    this.knownSites = key;
    const current = this.site.value;
    this.site.replaceChildren(
      h('option', { value: '' }, 'All sites'),
      ...sites.map((s) => h('option', { value: s, selected: s === current }, s)),
    );
  }

  private sortBy(key: SortKey): void {
    if (this.sortKey === key) this.ascending = !this.ascending;
    else {
      this.sortKey = key;
      this.ascending = true;
    }
    this.markSort();
    this.render(Date.now());
  }

  private markSort(): void {
    for (const [key, th] of this.headers) {
      th.setAttribute('aria-sort', key === this.sortKey ? (this.ascending ? 'ascending' : 'descending') : 'none');
    }
  }
}
