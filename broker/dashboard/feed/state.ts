import type { FieldValue, Topics } from '../../../wire/index.js';
import { nsToMs } from '../../../wire/index.js';
import { type LastReading, tagKey } from './history.js';
import { readFeedMessage } from './message.js';
import { Series } from './series.js';

/**
 * What an operator sees of the fleet, built from the MQTT feed alone: gateways from their retained
 * status (and last will), devices from status health and data lines, and a bounded list of events.
 * Pure: the browser page renders it, tests feed it directly.
 */

export type GatewayState = 'online' | 'offline' | 'unknown';
export type DeviceState = 'up' | 'down' | 'starting' | 'unknown';

export interface DeviceView {
  id: string;
  state: DeviceState;
  driver?: string;
  measurement?: string;
  /** Time of the last reading as taken on the sensor, ms since the epoch. */
  lastReadingAt?: number;
  fields: Record<string, FieldValue>;
  tags: Record<string, string>;
  /** Rejected frames: the gateway's own count (status) or the events seen, whichever is larger. */
  rejected: number;
  lastError?: string;
  /** Per numeric field, one series per tag set (a traffic counter's lanes, directions and classes). */
  history: Map<string, Map<string, Series>>;
  /** The tags of each tag-set key seen, for legends. */
  tagSets: Map<string, Record<string, string>>;
}

export interface GatewayView {
  id: string;
  state: GatewayState;
  site?: string;
  version?: string;
  backlog?: number;
  clockSynced?: boolean;
  /** The gateway's own time in its last status, ms since the epoch. */
  statusTime?: number;
  /**
   * When this page last heard from the gateway itself, by this page's clock (the gateway's may be
   * wrong). A last will is the broker speaking, so it does not count.
   */
  lastSeen?: number;
  devices: Map<string, DeviceView>;
}

export interface EventView {
  /** A wire event type, the broker's gateway_offline / gateway_online, or the page's message_rejected. */
  type: string;
  gateway: string;
  /** When it happened (ISO 8601, the gateway's clock for its own events). */
  time: string;
  device?: string;
  reason?: string;
  count?: number;
  /** How long the previous state lasted (gateway_offline / gateway_online). */
  durationMs?: number;
  receivedAt: number;
  /** The broker's id of a kept event. */
  id?: number;
  /** Set for messages the page could not read (its own "message_rejected"). */
  topic?: string;
}

/** The same event seen live and read back from the broker's store. */
export function eventKey(e: Pick<EventView, 'gateway' | 'type' | 'device' | 'time'>): string {
  return `${e.gateway}|${e.type}|${e.device ?? ''}|${Date.parse(e.time)}`;
}

export interface FeedCounters {
  /** Every message handed to `apply`, read or not. */
  messages: number;
  readings: number;
  /** Messages or lines that could not be read. */
  unreadable: number;
}

export interface FeedStateOptions {
  historyMs?: number;
  historyPoints?: number;
  maxEvents?: number;
}

export class FeedState {
  readonly gateways = new Map<string, GatewayView>();
  /** Newest first. */
  readonly events: EventView[] = [];
  readonly counters: FeedCounters = { messages: 0, readings: 0, unreadable: 0 };
  /** Bumped on every change, so a renderer can skip work when nothing moved. */
  version = 0;
  private readonly historyMs: number;
  private readonly historyPoints: number;
  private readonly maxEvents: number;

  constructor(
    private readonly topics: Topics,
    options: FeedStateOptions = {},
  ) {
    this.historyMs = options.historyMs ?? 5 * 60_000;
    this.historyPoints = options.historyPoints ?? 600;
    this.maxEvents = options.maxEvents ?? 500;
  }

  apply(topic: string, payload: string, now = Date.now()): void {
    this.counters.messages++;
    this.version++;
    const message = readFeedMessage(this.topics, topic, payload);
    switch (message.kind) {
      case 'status': {
        const { status } = message;
        const gw = this.gateway(message.gateway, status.state === 'online' ? now : undefined);
        gw.state = status.state;
        gw.site = status.site ?? gw.site;
        gw.version = status.version ?? gw.version;
        gw.backlog = status.backlog ?? gw.backlog;
        gw.clockSynced = status.clockSynced ?? gw.clockSynced;
        const t = Date.parse(status.time);
        if (!Number.isNaN(t)) gw.statusTime = t;
        if (status.state === 'offline') {
          // A last will is written when the gateway connected: its device health is stale by now.
          for (const id of Object.keys(status.devices ?? {})) this.device(gw, id);
          for (const dev of gw.devices.values()) dev.state = 'unknown';
          return;
        }
        for (const [id, health] of Object.entries(status.devices ?? {})) {
          const dev = this.device(gw, id);
          dev.state = health.state;
          dev.driver = health.driver;
          dev.rejected = Math.max(dev.rejected, health.rejected);
          dev.lastError = health.lastError;
          const last = health.lastReadingAt ? Date.parse(health.lastReadingAt) : Number.NaN;
          if (!Number.isNaN(last) && !(dev.lastReadingAt && dev.lastReadingAt > last)) dev.lastReadingAt = last;
        }
        return;
      }
      case 'status-cleared':
        this.gateways.delete(message.gateway);
        return;
      case 'event': {
        const { event } = message;
        const gw = this.gateway(message.gateway, now);
        if (event.device) {
          const dev = this.device(gw, event.device);
          if (event.type === 'device_down') dev.state = 'down';
          if (event.type === 'device_up') dev.state = 'up';
          if (event.type === 'frame_rejected') dev.rejected += event.count ?? 1;
          if (event.reason && event.type !== 'device_up') dev.lastError = event.reason;
        }
        this.pushEvent({ ...event, gateway: message.gateway, receivedAt: now });
        return;
      }
      case 'data': {
        const gw = this.gateway(message.gateway, now);
        const dev = this.device(gw, message.device);
        if (dev.state === 'unknown' || dev.state === 'starting') dev.state = 'up';
        for (const reading of message.readings) {
          this.counters.readings++;
          const t = nsToMs(reading.time);
          if (dev.lastReadingAt === undefined || t >= dev.lastReadingAt) {
            dev.lastReadingAt = t;
            dev.measurement = reading.measurement;
            Object.assign(dev.fields, reading.fields);
            dev.tags = reading.tags;
          }
          const key = tagKey(reading.tags);
          if (!dev.tagSets.has(key)) dev.tagSets.set(key, reading.tags);
          for (const [name, value] of Object.entries(reading.fields)) {
            if (typeof value !== 'number' && typeof value !== 'bigint') continue;
            this.series(dev, name, key).push(t, Number(value));
          }
        }
        if (message.errors.length > 0) {
          this.counters.unreadable += message.errors.length;
          const first = message.errors[0]!;
          this.pushEvent({
            type: 'message_rejected',
            gateway: message.gateway,
            device: message.device,
            time: new Date(now).toISOString(),
            reason: `${message.errors.length} unreadable line(s), first at line ${first.line}: ${first.reason}`,
            receivedAt: now,
            topic,
          });
        }
        return;
      }
      case 'unreadable': {
        this.counters.unreadable++;
        if (message.gateway) this.gateway(message.gateway, now);
        this.pushEvent({
          type: 'message_rejected',
          gateway: message.gateway ?? '?',
          time: new Date(now).toISOString(),
          reason: message.reason,
          receivedAt: now,
          topic,
        });
        return;
      }
    }
  }

  /**
   * A device's last stored reading (from the broker's history), so its card is filled when the page
   * opens instead of waiting for the next reading; a live reading already there wins.
   */
  seedLastReading(gateway: string, last: LastReading): void {
    const dev = this.device(this.gateway(gateway, undefined), last.device);
    if (dev.lastReadingAt !== undefined && dev.lastReadingAt >= last.time) return;
    dev.lastReadingAt = last.time;
    dev.measurement = last.measurement;
    dev.tags = last.tags;
    Object.assign(dev.fields, last.fields);
    this.version++;
  }

  /** The sites seen, sorted, for the site filter. */
  sites(): string[] {
    const sites = new Set<string>();
    for (const gw of this.gateways.values()) if (gw.site) sites.add(gw.site);
    return [...sites].sort();
  }

  clear(): void {
    this.gateways.clear();
    this.events.length = 0;
    this.version++;
  }

  private gateway(id: string, seenAt: number | undefined): GatewayView {
    let gw = this.gateways.get(id);
    if (!gw) {
      gw = { id, state: 'unknown', devices: new Map() };
      this.gateways.set(id, gw);
    }
    if (seenAt !== undefined) gw.lastSeen = seenAt;
    return gw;
  }

  private device(gw: GatewayView, id: string): DeviceView {
    let dev = gw.devices.get(id);
    if (!dev) {
      dev = { id, state: 'unknown', fields: {}, tags: {}, rejected: 0, history: new Map(), tagSets: new Map() };
      gw.devices.set(id, dev);
    }
    return dev;
  }

  private series(dev: DeviceView, field: string, key: string): Series {
    let byTags = dev.history.get(field);
    if (!byTags) {
      byTags = new Map();
      dev.history.set(field, byTags);
    }
    let series = byTags.get(key);
    if (!series) {
      series = new Series(this.historyPoints, this.historyMs);
      byTags.set(key, series);
    }
    return series;
  }

  private pushEvent(event: EventView): void {
    this.events.unshift(event);
    if (this.events.length > this.maxEvents) this.events.length = this.maxEvents;
  }
}
