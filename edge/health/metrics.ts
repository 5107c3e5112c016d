import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';

/** The agent's Prometheus metrics, on a registry of its own (several agents may share a test process). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'tidegate_edge_' });
  const metric = <T extends string>(ctor: typeof Counter | typeof Gauge, name: string, help: string, labels: T[]) =>
    new ctor({ name, help, labelNames: labels, registers: [registry] });
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
    lastPublish: metric(
      Gauge,
      'tidegate_last_publish_timestamp_seconds',
      'when the broker last acknowledged a message',
      [],
    ) as Gauge,
    connected: metric(Gauge, 'tidegate_broker_connected', '1 when connected to the broker', []) as Gauge,
    clockSynced: metric(Gauge, 'tidegate_clock_synced', '1 once the clock is known good', []) as Gauge,
    deviceUp: metric(Gauge, 'tidegate_device_up', '1 when the device answers', ['device']) as Gauge<'device'>,
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
