import { parseEvent, parseStatus, type Topics } from '../../wire/index.js';
import type { EventStore, NewEvent } from './store.js';

/**
 * Turns what the broker sees into kept events: every gateway event as it is (device down/up, rejected
 * frames, buffer drops, clock problems, …) and, from the retained status and its last will, each
 * gateway's offline/online transition with how long the previous state lasted. The presence state is
 * kept in the store too, so a transition across a broker restart still gets its duration.
 */
export class EventRecorder {
  /** Messages on the events topics that were not valid events (counted, not kept). */
  unreadable = 0;

  constructor(
    private readonly store: EventStore,
    private readonly topics: Topics,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * One message the broker accepted. `lastWill` is true when the broker published it for a client whose
   * connection was lost.
   */
  onPublish(topic: string, payload: Buffer | string, lastWill = false): void {
    // Data is nearly all the traffic: decide on the topic's last level before parsing anything.
    if (!topic.endsWith('/status') && !topic.endsWith('/events')) return;
    const parsed = this.topics.parse(topic);
    if (!parsed) return;
    const text = typeof payload === 'string' ? payload : payload.toString('utf8');
    if (parsed.kind === 'events') this.onEvent(parsed.gateway, text);
    else if (parsed.kind === 'status' && text.length > 0) this.onStatus(parsed.gateway, text, lastWill);
  }

  private onEvent(gateway: string, text: string): void {
    const parsed = parseEvent(text);
    if (!parsed.ok) {
      this.unreadable++;
      return;
    }
    const e = parsed.value;
    const receivedAt = this.now();
    const time = Date.parse(e.time);
    const event: NewEvent = { time: Number.isNaN(time) ? receivedAt : time, receivedAt, gateway, kind: e.type };
    if (e.device) event.device = e.device;
    if (e.reason) event.reason = e.reason;
    if (e.count !== undefined) event.count = e.count;
    this.store.add(event);
  }

  private onStatus(gateway: string, text: string, lastWill: boolean): void {
    const parsed = parseStatus(text);
    if (!parsed.ok) {
      this.unreadable++;
      return;
    }
    const state = parsed.value.state;
    const now = this.now();
    const before = this.store.presence(gateway);
    if (before?.state === state) return;
    this.store.setPresence({ gateway, state, since: now });
    const event: NewEvent = { time: now, receivedAt: now, gateway, kind: `gateway_${state}` };
    if (before) event.durationMs = now - before.since;
    if (state === 'offline')
      event.reason = lastWill ? 'connection lost (last will)' : 'the gateway said it is going offline';
    else if (!before) event.reason = 'first seen by this broker';
    this.store.add(event);
  }
}
