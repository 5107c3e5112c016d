import { Counter, Gauge, Registry } from 'prom-client';

/** The link states, read from the ingestor's stats at scrape time. */
interface LinkStats {
  mqttConnected: boolean;
  influxUp: boolean;
  lastWriteAt: Date | null;
}

export function createIngestMetrics(stats: () => LinkStats | undefined = () => undefined) {
  const registry = new Registry();
  const gauge = (name: string, help: string, read: (s: LinkStats) => number) =>
    new Gauge({
      name: `tidegate_ingest_${name}`,
      help,
      registers: [registry],
      collect() {
        const s = stats();
        if (s) this.set(read(s));
      },
    });
  gauge('broker_connected', '1 while connected to the broker', (s) => (s.mqttConnected ? 1 : 0));
  gauge('influxdb_up', '1 while InfluxDB answers writes', (s) => (s.influxUp ? 1 : 0));
  gauge(
    'last_write_timestamp_seconds',
    'when InfluxDB last answered a write (0: never since start)',
    (s) => (s.lastWriteAt?.getTime() ?? 0) / 1000,
  );
  const counter = (name: string, help: string) =>
    new Counter({ name: `tidegate_ingest_${name}`, help, registers: [registry] });
  return {
    registry,
    messages: counter('messages_total', 'data messages received'),
    messagesRejected: counter('messages_rejected_total', 'messages with at least one line not ingested'),
    linesRejected: counter('lines_rejected_total', 'lines that could not be read'),
    uncatalogued: counter('uncatalogued_fields_total', 'fields written that the measurement catalogue does not know'),
    pointsQueued: counter('points_queued_total', 'points written to the spill queue (and acknowledged)'),
    pointsWritten: counter('points_written_total', 'points InfluxDB accepted'),
    pointsRefused: counter('points_refused_total', 'points InfluxDB refused (type conflict, retention)'),
    writeFailures: counter('write_failures_total', 'write attempts that failed and will be retried'),
    backlog: new Gauge({
      name: 'tidegate_ingest_backlog_points',
      help: 'points in the spill queue',
      registers: [registry],
    }),
  };
}

export type IngestMetrics = ReturnType<typeof createIngestMetrics>;
