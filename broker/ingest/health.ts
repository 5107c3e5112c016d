import { createServer } from 'node:http';
import { healthAndMetricsHandler } from '../server/http.js';
import type { IngestConfig } from './config.js';
import type { Ingestor, IngestStats } from './ingestor.js';

const iso = (d: Date | null) => d?.toISOString() ?? null;
const redact = (url: string) => url.replace(/^([a-z]+:\/\/)[^/@]*@/, '$1');

/** The ingestor's part of a /health body: ok while it is connected to the broker and InfluxDB answers. */
export function ingestHealth(stats: IngestStats) {
  const problems: string[] = [];
  if (!stats.mqttConnected) problems.push(`broker unreachable since ${iso(stats.mqttDownSince) ?? 'start'}`);
  if (!stats.influxUp)
    problems.push(
      `InfluxDB unreachable since ${iso(stats.influxDownSince) ?? 'start'}; ${stats.backlog} points queued`,
    );
  return {
    ok: problems.length === 0,
    problems,
    broker: { connected: stats.mqttConnected, downSince: iso(stats.mqttDownSince) },
    influxdb: { up: stats.influxUp, url: redact(stats.influxUrl), downSince: iso(stats.influxDownSince) },
    queuedPoints: stats.backlog,
    lastWriteAt: iso(stats.lastWriteAt),
    pointsWritten: stats.pointsWritten,
    pointsRefused: stats.pointsRefused,
    messages: stats.messages,
    messagesRejected: stats.messagesRejected,
    linesRejected: stats.linesRejected,
  };
}

/** `tidegate ingest`'s own GET /health and /metrics (the in-process ingestor reports on the broker's). */
export async function startIngestHttp(
  ingestor: Ingestor,
  listen: NonNullable<IngestConfig['http']>,
): Promise<{ url: string; close(): Promise<void> }> {
  const handle = healthAndMetricsHandler(
    () => ingestHealth(ingestor.stats),
    () => [ingestor.metrics],
  );
  const server = createServer((req, res) => {
    if (!handle(req, res)) res.writeHead(404, { 'content-type': 'text/plain' }).end('GET /health or /metrics\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : listen.port;
  return {
    url: `http://${listen.host}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
