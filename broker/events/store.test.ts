import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { removeTempDir, tempDir } from '../../tests/harness/cleanup.js';
import { Topics } from '../../wire/index.js';
import { EventRecorder } from './recorder.js';
import { EventStore } from './store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) removeTempDir(d);
});
function file(): string {
  const dir = tempDir('tidegate-events-');
  dirs.push(dir);
  return join(dir, 'events.db');
}
const topics = new Topics();
const status = (state: string) => JSON.stringify({ state, gateway: 'gw-1', time: '2026-12-01T00:00:00Z' });
const event = (type: string, device?: string) =>
  JSON.stringify({ type, gateway: 'gw-1', device, time: '2026-12-01T03:00:00Z', reason: 'no answer' });

describe('EventStore', () => {
  it('keeps events across a reopen (a broker restart) and filters by gateway, device and kind', () => {
    const path = file();
    const a = new EventStore(path);
    a.add({ time: 1, receivedAt: 1, gateway: 'gw-1', device: 'pm-1', kind: 'device_down', reason: 'timeout' });
    a.add({ time: 2, receivedAt: 2, gateway: 'gw-2', kind: 'gateway_offline' });
    a.add({ time: 3, receivedAt: 3, gateway: 'gw-1', device: 'meter-1', kind: 'frame_rejected', count: 4 });
    a.close();
    const b = new EventStore(path);
    expect(b.count()).toBe(3);
    expect(b.query().map((e) => e.time)).toEqual([3, 2, 1]);
    expect(b.query({ gateway: 'gw-1' }).map((e) => e.kind)).toEqual(['frame_rejected', 'device_down']);
    expect(b.query({ device: 'pm-1' })[0]).toMatchObject({ reason: 'timeout', gateway: 'gw-1' });
    expect(b.query({ kind: 'frame_rejected' })[0]?.count).toBe(4);
    const [newest] = b.query({ limit: 1 });
    expect(b.query({ after: (newest?.id ?? 0) - 1 }).map((e) => e.time)).toEqual([3]);
    expect(b.gateways()).toEqual(['gw-1', 'gw-2']);
    b.close();
  });

  it('is bounded: the oldest events go first', () => {
    const store = new EventStore(file(), 100);
    for (let i = 0; i < 1_000; i++) store.add({ time: i, receivedAt: i, gateway: 'gw-1', kind: 'frame_rejected' });
    expect(store.count()).toBeLessThanOrEqual(101);
    expect(store.query({ limit: 1 })[0]?.time).toBe(999);
    store.close();
    expect(new EventStore(store.path, 100).count()).toBe(100);
  });
});

describe('EventRecorder', () => {
  it('keeps gateway events and turns status changes into offline/online events with durations', () => {
    const path = file();
    let now = 1_000_000;
    const store = new EventStore(path);
    const recorder = new EventRecorder(store, topics, () => now);
    recorder.onPublish(topics.status('gw-1'), status('online'));
    now += 60_000;
    recorder.onPublish(topics.status('gw-1'), status('online')); // a periodic status: no event
    recorder.onPublish(topics.events('gw-1'), event('device_down', 'pm-1'));
    recorder.onPublish(topics.data('gw-1', 'pm-1'), 'air_quality pm2_5_ugm3=1 1');
    recorder.onPublish(topics.events('gw-1'), '{"not":"an event"}');
    now += 60_000;
    recorder.onPublish(topics.status('gw-1'), status('offline'), true);
    store.close();

    // The broker restarts; the gateway comes back 2 h later.
    now += 7_200_000;
    const reopened = new EventStore(path);
    new EventRecorder(reopened, topics, () => now).onPublish(topics.status('gw-1'), status('online'));
    const kept = reopened.query().reverse();
    expect(kept.map((e) => e.kind)).toEqual(['gateway_online', 'device_down', 'gateway_offline', 'gateway_online']);
    expect(kept[1]).toMatchObject({ device: 'pm-1', reason: 'no answer', time: Date.parse('2026-12-01T03:00:00Z') });
    expect(kept[2]).toMatchObject({ durationMs: 120_000, reason: 'connection lost (last will)' });
    expect(kept[3]).toMatchObject({ durationMs: 7_200_000 });
    expect(recorder.unreadable).toBe(1);
    reopened.close();
  });
});
