import type { PrivacyCounters } from '../privacy/counters.js';
import { registerProcessMetrics } from './process-metrics.js';
import { Counter, Gauge, Registry } from './prometheus.js';

/**
 * What the metrics read at scrape time from the parts that keep their own counts (publisher, privacy
 * stage, drivers), so a value is never a copy that someone forgot to update.
 */
export interface MetricSources {
  brokerConnected(): boolean;
  lastPublishAt(): Date | undefined;
  eventsDroppedOffline(): number;
  privacy(): PrivacyCounters | undefined;
  /** Each device's driver counters (serial port, Modbus line), by device id. */
  deviceCounters(): Iterable<[device: string, counters: Readonly<Record<string, number>>]>;
}

/** camelCase → snake_case, for label values and metric names taken from counter objects. */
const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** The agent's Prometheus metrics, on a registry of its own (several agents may share a test process). */
export function createMetrics(sources?: MetricSources) {
  const registry = new Registry();
  registerProcessMetrics(registry, 'tidegate_edge_');
  const metric = <T extends string>(ctor: typeof Counter | typeof Gauge, name: string, help: string, labels: T[]) =>
    new ctor({ name, help, labelNames: labels, registers: [registry] });
  const collected = <T extends string>(
    ctor: typeof Counter | typeof Gauge,
    name: string,
    help: string,
    labels: T[],
    read: (s: MetricSources) => Iterable<[Partial<Record<T, string>>, number]>,
  ) =>
    new ctor({
      name,
      help,
      labelNames: labels,
      registers: [registry],
      collect(this: Counter<T> | Gauge<T>) {
        if (!sources) return;
        this.reset();
        for (const [values, n] of read(sources))
          if (this instanceof Gauge) this.set(values, n);
          else this.inc(values, n);
      },
    });
  collected(Gauge, 'tidegate_broker_connected', '1 when connected to the broker', [], (s) => [
    [{}, s.brokerConnected() ? 1 : 0],
  ]);
  collected(
    Gauge,
    'tidegate_last_publish_timestamp_seconds',
    'when the broker last acknowledged a data message (0: never since start)',
    [],
    (s) => [[{}, (s.lastPublishAt()?.getTime() ?? 0) / 1000]],
  );
  collected(
    Counter,
    'tidegate_events_dropped_offline_total',
    'events and status messages dropped from the bounded queue while offline',
    [],
    (s) => [[{}, s.eventsDroppedOffline()]],
  );
  collected(
    Counter,
    'tidegate_privacy_total',
    'what the privacy stage did, by counter (readings_in, identifiers_pseudonymized, ...)',
    ['counter'],
    (s) => Object.entries(s.privacy() ?? {}).map(([key, n]) => [{ counter: snake(key) }, n]),
  );
  collected(
    Counter,
    'tidegate_driver_total',
    "a device's driver counters: serial port (port_opens, port_bytes_read...) and Modbus line (modbus_requests, modbus_timeouts...)",
    ['device', 'counter'],
    function* (s) {
      for (const [device, counters] of s.deviceCounters())
        for (const [key, n] of Object.entries(counters)) yield [{ device, counter: key }, n];
    },
  );
  return {
    registry,
    read: metric(Counter, 'tidegate_readings_read_total', 'readings produced by the drivers', [
      'device',
    ]) as Counter<'device'>,
    buffered: metric(Counter, 'tidegate_readings_buffered_total', 'readings written to the buffer', [
      'device',
    ]) as Counter<'device'>,
    held: metric(Counter, 'tidegate_readings_held_total', 'readings held until the clock is known', [
      'device',
    ]) as Counter<'device'>,
    published: metric(Counter, 'tidegate_readings_published_total', 'readings acknowledged by the broker', [
      'device',
    ]) as Counter<'device'>,
    dropped: metric(Counter, 'tidegate_readings_dropped_total', 'readings dropped (buffer cap, undatable)', [
      'device',
      'reason',
    ]) as Counter<'device' | 'reason'>,
    rejected: metric(Counter, 'tidegate_frames_rejected_total', 'frames or replies refused by a driver', [
      'device',
      'reason',
    ]) as Counter<'device' | 'reason'>,
    skipped: metric(
      Counter,
      'tidegate_polls_skipped_total',
      'poll ticks skipped because the previous poll was still running',
      ['device'],
    ) as Counter<'device'>,
    pollErrors: metric(Counter, 'tidegate_poll_errors_total', 'polls that failed', ['device']) as Counter<'device'>,
    backlog: metric(Gauge, 'tidegate_backlog_readings', 'readings stored and not yet acknowledged', []) as Gauge,
    backlogBytes: metric(Gauge, 'tidegate_backlog_bytes', 'bytes stored and not yet acknowledged', []) as Gauge,
    clockSynced: metric(Gauge, 'tidegate_clock_synced', '1 once the clock is known good', []) as Gauge,
    deviceUp: metric(Gauge, 'tidegate_device_up', '1 when the device answers', ['device']) as Gauge<'device'>,
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
