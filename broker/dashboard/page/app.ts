import { Topics } from '../../../wire/index.js';
import { FeedState } from '../feed/state.js';
import type { DashboardApi } from './api.js';
import { h, setText } from './dom.js';
import type { OperatorMqtt } from './mqtt/client.js';
import { DevicesView } from './views/devices.js';
import { EventsView } from './views/events.js';
import { GatewaysView } from './views/gateways.js';

/** What the page exposes for tests and the load benchmark: live counters, read with `window.tidegateDashboard`. */
export interface DashboardProbe {
  counters: FeedState['counters'];
  renders: number;
  /** Milliseconds spent reading messages into the model, and drawing views: where the page's time goes. */
  applyMs: number;
  renderMs: number;
  connected: boolean;
}

declare global {
  interface Window {
    tidegateDashboard?: DashboardProbe;
  }
}

const RENDER_EVERY_MS = 500;

/**
 * The signed-in page: feeds every MQTT message into one FeedState and renders only the view on
 * screen, at most twice a second, so thousands of messages a second cost no layout.
 */
export class DashboardApp {
  private readonly feed: FeedState;
  private readonly main = h('main', { id: 'view' });
  private readonly connection = h('span', { class: 'connection', id: 'connection' }, 'connected');
  private readonly footer = h('footer', { id: 'counters' });
  private readonly gateways: GatewaysView;
  private readonly events: EventsView;
  private devices: DevicesView | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly probe: DashboardProbe;
  private readonly decoder = new TextDecoder();

  constructor(
    private readonly root: HTMLElement,
    private readonly client: OperatorMqtt,
    private readonly api: DashboardApi,
    username: string,
    private readonly onSignOut: (notice?: string) => void,
    prefix = 'tidegate',
  ) {
    const topics = new Topics(prefix);
    this.feed = new FeedState(topics);
    this.probe = { counters: this.feed.counters, renders: 0, applyMs: 0, renderMs: 0, connected: true };
    window.tidegateDashboard = this.probe;
    this.gateways = new GatewaysView(this.feed, (gw) => {
      location.hash = `#/gateway/${encodeURIComponent(gw)}`;
    });
    this.events = new EventsView(this.feed, api);

    client.onMessage = (topic, payload) => {
      const t0 = performance.now();
      this.feed.apply(topic, this.decoder.decode(payload));
      this.probe.applyMs += performance.now() - t0;
    };
    client.onConnectedChange = (on) => this.setConnected(on);
    client.onRefused = () => this.signOut('The broker no longer accepts this account. Sign in again.');
    const filters = [topics.allStatus(), topics.allEvents(), topics.allData()];
    client.subscribe(filters).then((granted) => {
      const refused = filters.filter((_, i) => granted[i] === 0x80);
      if (refused.length) this.banner(`The broker does not let this account read ${refused.join(', ')}.`);
    });

    const signOut = h('button', { type: 'button', id: 'sign-out' }, 'Sign out');
    signOut.addEventListener('click', () => this.signOut());
    root.replaceChildren(
      h(
        'header',
        { class: 'top' },
        h('strong', { class: 'brand' }, 'tidegate'),
        h(
          'nav',
          {},
          h('a', { href: '#/', id: 'nav-gateways' }, 'Gateways'),
          h('a', { href: '#/events', id: 'nav-events' }, 'Events'),
        ),
        this.connection,
        h('span', { class: 'user' }, username),
        signOut,
      ),
      this.main,
      this.footer,
    );
    window.addEventListener('hashchange', this.route);
    this.route();
    this.timer = setInterval(() => this.render(), RENDER_EVERY_MS);
  }

  private readonly route = () => {
    const hash = location.hash;
    const range = this.devices?.range;
    this.devices?.destroy();
    this.devices = undefined;
    this.events.stop();
    const gateway = /^#\/gateway\/(.+)$/.exec(hash)?.[1];
    if (gateway) {
      this.devices = new DevicesView(this.feed, decodeURIComponent(gateway), this.api, range);
      this.main.replaceChildren(this.devices.element);
    } else if (hash === '#/events') {
      this.events.start();
      this.main.replaceChildren(this.events.element);
    } else {
      this.main.replaceChildren(this.gateways.element);
    }
    this.root.querySelectorAll('nav a').forEach((a) => {
      a.classList.toggle('current', a.getAttribute('href') === (hash === '#/events' ? '#/events' : '#/'));
    });
    this.render();
  };

  private render(): void {
    const t0 = performance.now();
    const now = Date.now();
    if (this.devices) this.devices.render(now);
    else if (this.main.firstChild === this.events.element) this.events.render();
    else this.gateways.render(now);
    const c = this.feed.counters;
    setText(this.footer, `${c.messages} messages · ${c.readings} readings · ${c.unreadable} unreadable`);
    this.probe.renders++;
    this.probe.renderMs += performance.now() - t0;
  }

  private setConnected(on: boolean): void {
    this.probe.connected = on;
    setText(this.connection, on ? 'connected' : 'connection lost — reconnecting…');
    this.connection.classList.toggle('alarm', !on);
  }

  private banner(text: string): void {
    this.root.insertBefore(h('p', { class: 'banner alarm', role: 'alert' }, text), this.main);
  }

  private signOut(notice?: string): void {
    if (this.timer) clearInterval(this.timer);
    window.removeEventListener('hashchange', this.route);
    this.devices?.destroy();
    this.events.stop();
    this.client.end();
    this.feed.clear();
    this.onSignOut(notice);
  }
}
