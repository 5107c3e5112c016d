import { describe, expect, it } from 'vitest';
import { Topics } from '../../../wire/index.js';
import { FeedState } from './state.js';

const T0 = Date.parse('2026-11-28T10:00:00Z');
const status = (state: 'online' | 'offline', extra: object = {}) =>
  JSON.stringify({ state, gateway: 'gw-1', time: '2026-11-28T10:00:00Z', ...extra });

describe('FeedState', () => {
  it('follows a gateway from its retained status to its last will', () => {
    const feed = new FeedState(new Topics());
    feed.apply(
      'tidegate/gw-1/status',
      status('online', {
        site: 'port',
        version: '0.1.0',
        backlog: 12,
        clockSynced: true,
        devices: { 'pm-1': { state: 'up', driver: 'sds011', lastReadingAt: null, readings: 3, rejected: 2 } },
      }),
      T0,
    );
    const gw = feed.gateways.get('gw-1')!;
    expect(gw).toMatchObject({ state: 'online', site: 'port', version: '0.1.0', backlog: 12, clockSynced: true });
    expect(gw.lastSeen).toBe(T0);
    expect(gw.devices.get('pm-1')).toMatchObject({ state: 'up', driver: 'sds011', rejected: 2 });

    feed.apply('tidegate/gw-1/status', status('offline'), T0 + 5000);
    expect(gw.state).toBe('offline');
    expect(gw.lastSeen).toBe(T0);
    expect(gw.site).toBe('port');
    expect(gw.devices.get('pm-1')!.state).toBe('unknown');
  });

  it('keeps the last reading of a device and the history of its numeric fields', () => {
    const feed = new FeedState(new Topics());
    const ns = BigInt(T0) * 1_000_000n;
    feed.apply('tidegate/gw-1/data/pm-1', `air_quality pm2_5_ugm3=4.5,pm10_ugm3=9 ${ns}`, T0);
    feed.apply(
      'tidegate/gw-1/data/pm-1',
      `air_quality pm2_5_ugm3=5.5,ok=true ${ns + 1_000_000_000n}\nair_quality pm2_5_ugm3=6.5 ${ns + 2_000_000_000n}`,
      T0,
    );
    const dev = feed.gateways.get('gw-1')!.devices.get('pm-1')!;
    expect(dev.state).toBe('up');
    expect(dev.fields).toEqual({ pm2_5_ugm3: 6.5, pm10_ugm3: 9, ok: true });
    expect(dev.lastReadingAt).toBe(T0 + 2000);
    expect(
      dev.history
        .get('pm2_5_ugm3')!
        .get('')!
        .window(T0 + 2000)[1],
    ).toEqual([4.5, 5.5, 6.5]);
    expect(feed.counters).toEqual({ messages: 2, readings: 3, unreadable: 0 });
  });

  it('counts and lists what it cannot read, without stopping', () => {
    const feed = new FeedState(new Topics());
    feed.apply('tidegate/gw-1/status', '{not json', T0);
    feed.apply('tidegate/gw-1/data/pm-1', 'air_quality pm2_5_ugm3= 1', T0);
    feed.apply('tidegate/gw-1/events', JSON.stringify({ type: 'nope', gateway: 'gw-1', time: 'x' }), T0);
    feed.apply('other/topic', 'x', T0);
    expect(feed.counters.unreadable).toBe(4);
    expect(feed.events.map((e) => e.type)).toEqual(Array(4).fill('message_rejected'));
    expect(feed.events.at(-1)!.reason).toMatch(/^status: not JSON/);
  });

  it('applies device events and forgets a gateway whose retained status is cleared', () => {
    const feed = new FeedState(new Topics(), { maxEvents: 2 });
    const ev = (type: string, extra: object = {}) =>
      JSON.stringify({ type, gateway: 'gw-1', device: 'm-1', time: '2026-11-28T10:00:00Z', ...extra });
    feed.apply('tidegate/gw-1/events', ev('device_down', { reason: 'no answer' }), T0);
    expect(feed.gateways.get('gw-1')!.devices.get('m-1')).toMatchObject({ state: 'down', lastError: 'no answer' });
    feed.apply('tidegate/gw-1/events', ev('frame_rejected', { count: 3 }), T0);
    feed.apply('tidegate/gw-1/events', ev('device_up'), T0);
    expect(feed.gateways.get('gw-1')!.devices.get('m-1')).toMatchObject({ state: 'up', rejected: 3 });
    expect(feed.events.map((e) => e.type)).toEqual(['device_up', 'frame_rejected']);
    feed.apply('tidegate/gw-1/status', '', T0);
    expect(feed.gateways.size).toBe(0);
  });
});
