import * as prom from 'prom-client';
import { describe, expect, it } from 'vitest';
import { Counter, Gauge, Registry } from './prometheus.js';

type Kit = { Counter: typeof Counter; Gauge: typeof Gauge; Registry: typeof Registry };

/** The same metrics and operations, through our writer or through prom-client (the reference). */
async function exposition(kit: Kit) {
  const registry = new kit.Registry();
  const registers = [registry];
  const read = new kit.Counter({ name: 'read_total', help: 'readings\nread', labelNames: ['device'], registers });
  const dropped = new kit.Counter({
    name: 'dropped_total',
    help: 'dropped',
    labelNames: ['device', 'reason'],
    registers,
  });
  const up = new kit.Gauge({ name: 'up', help: 'up \\ down', labelNames: ['device'], registers });
  const backlog = new kit.Gauge({ name: 'backlog', help: 'backlog', registers });
  new kit.Counter({ name: 'never_total', help: 'never counted', labelNames: ['device'], registers });
  new kit.Gauge({ name: 'idle', help: 'a gauge never set', registers });
  new kit.Gauge({
    name: 'collected',
    help: 'set at scrape time',
    labelNames: ['counter'],
    registers,
    collect() {
      this.reset();
      (this as Gauge<'counter'>).set({ counter: 'port_opens' }, 2);
      (this as Gauge<'counter'>).set({ counter: 'bytes' }, 1e21);
    },
  });
  read.inc({ device: 'pm-0' });
  read.inc({ device: 'pm-0' }, 4);
  read.inc({ device: 'a "quoted"\nname\\' });
  dropped.inc({ reason: 'buffer_full', device: 'pm-0' }, 7);
  dropped.inc({ device: 'pm-0', reason: 'buffer_full' }, 0.5);
  up.set({ device: 'pm-0' }, 1);
  up.set({ device: 'pm-0' }, 0);
  up.set({ device: 'pm-1' }, Number.POSITIVE_INFINITY);
  backlog.set(12);
  backlog.inc(-2);
  return { text: await registry.metrics(), contentType: registry.contentType, dropped: (await dropped.get()).values };
}

describe('the agent exposition writer writes what prom-client writes', () => {
  it('same text, content type and values for counters and gauges, labelled, unlabelled, collected, escaped', async () => {
    const ours = await exposition({ Counter, Gauge, Registry });
    const reference = await exposition(prom as unknown as Kit);
    expect(ours.text).toBe(reference.text);
    expect(ours.contentType).toBe(reference.contentType);
    expect(ours.dropped).toEqual(reference.dropped);
  });

  it('refuses what prom-client refuses: an unknown label, a counter going down, a name registered twice', () => {
    const registry = new Registry();
    const counter = new Counter({ name: 'c_total', help: 'c', labelNames: ['device'], registers: [registry] });
    expect(() => counter.inc({ port: 'x' } as never)).toThrow(/not included/);
    expect(() => counter.inc({ device: 'x' }, -1)).toThrow(/decrease/);
    expect(() => new Gauge({ name: 'c_total', help: 'again', registers: [registry] })).toThrow(
      /already been registered/,
    );
  });
});
