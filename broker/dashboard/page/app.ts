import type { MqttClient } from 'mqtt';
import { Topics } from '../../../wire/index.js';
import { FeedState } from '../feed/state.js';
import { h, setText } from './dom.js';
import { DevicesView } from './views/devices.js';
import { EventsView } from './views/events.js';
import { GatewaysView } from './views/gateways.js';

/** What the page exposes for tests and the load benchmark: live counters, read with `window.tidegateDashboard`. */
export interface DashboardProbe {
  counters: FeedState['counters'];
  renders: number;
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
    private readonly client: MqttClient,
    username: string,
    private readonly onSignOut: (notice?: string) => void,
    prefix = 'tidegate',
  ) {
    const topics = new Topics(prefix);
    this.feed = new FeedState(topics);
    this.probe = { counters: this.feed.counters, renders: 0, connected: true };
    window.tidegateDashboard = this.probe;
    this.gateways = new GatewaysView(this.feed, (gw) => {
      location.hash = `#/gateway/${encodeURIComponent(gw)}`;
    });
    this.events = new EventsView(this.feed);

    client.on('message', (topic, payload) => this.feed.apply(topic, this.decoder.decode(payload)));
    client.on('connect', () => this.setConnected(true));
    client.on('close', () => this.setConnected(false));
    client.on('error', (err: Error & { code?: number }) => {
      if (err.code === 4 || err.code === 5) this.signOut('The broker no longer accepts this account. Sign in again.');
    });
    client
      .subscribeAsync([topics.allStatus(), topics.allEvents(), topics.allData()], { qos: 0 })
      .catch((err: Error) => this.banner(`The broker refused a subscription for this account: ${err.message}`));

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
    this.devices?.destroy();
    this.devices = undefined;
    const gateway = /^#\/gateway\/(.+)$/.exec(hash)?.[1];
    if (gateway) {
      this.devices = new DevicesView(this.feed, decodeURIComponent(gateway));
      this.main.replaceChildren(this.devices.element);
    } else if (hash === '#/events') {
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
    const now = Date.now();
    if (this.devices) this.devices.render(now);
    else if (this.main.firstChild === this.events.element) this.events.render();
    else this.gateways.render(now);
    const c = this.feed.counters;
    setText(this.footer, `${c.messages} messages · ${c.readings} readings · ${c.unreadable} unreadable`);
    this.probe.renders++;
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
    this.client.end(true);
    this.feed.clear();
    this.onSignOut(notice);
  }
}
