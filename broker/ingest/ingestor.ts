import type { Aedes } from 'aedes';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { Topics } from '../../wire/index.js';
import { type ManagedInflux, startManagedInflux } from '../influxdb/managed.js';
import { ensureSchema } from '../schema/index.js';
import { createLogger } from '../server/log.js';
import { type IngestConfig, type IngestOptions, IngestOptionsSchema } from './config.js';
import { startInProcessReader } from './in-process-reader.js';
import type { InfluxTarget } from './influx-writer.js';
import type { SpillIntakeParts } from './intake.js';
import { Journal } from './journal.js';
import { LinkLog } from './link-log.js';
import { createIngestMetrics } from './metrics.js';
import { startMqttReader } from './mqtt-reader.js';
import { SpillWriter } from './spill-writer.js';

export interface IngestStats {
  messages: number;
  messagesRejected: number;
  linesRejected: number;
  pointsQueued: number;
  pointsWritten: number;
  /** Points InfluxDB refused (field-type conflict, outside retention); the rest of their batch was kept. */
  pointsRefused: number;
  writeFailures: number;
  /** Points waiting in the spill queue. */
  backlog: number;
  influxUp: boolean;
  mqttConnected: boolean;
  influxUrl: string;
  /** When InfluxDB last answered a write (points stored or refused); null before the first. */
  lastWriteAt: Date | null;
  /** Since when the broker / InfluxDB has been unreachable (the start, before the first success); null while up. */
  mqttDownSince: Date | null;
  influxDownSince: Date | null;
}

export interface Ingestor {
  readonly stats: IngestStats;
  readonly metrics: Registry;
  /** Resolves once the spill queue is empty (every queued point answered by InfluxDB). */
  drained(): Promise<void>;
  close(): Promise<void>;
}

/**
 * MQTT data messages → InfluxDB. Each message is decoded, tagged with gateway and device from its
 * topic, appended to the on-disk spill queue and only then acknowledged (mqtt-reader.ts); a writer
 * sends the queue to InfluxDB in batches and forgets a batch only once InfluxDB has answered for it
 * (spill-writer.ts).
 */
export async function startIngestor(
  input: IngestOptions | IngestConfig,
  /** `aedes`: the broker this ingestor runs in, read without an MQTT connection (in-process-reader.ts). */
  options: { logger?: Logger; aedes?: Aedes } = {},
): Promise<Ingestor> {
  const config = IngestOptionsSchema.parse(input);
  const log = options.logger ?? createLogger('ingest');
  const metrics = createIngestMetrics(() => stats); // read at scrape time, once stats exist
  const rejectedTopic = config.rejectedTopic ?? `${config.prefix}/_ingest/rejected`;

  const { target, managed } = await influxTarget(config, log);
  const schema = { ...target, retention: config.influx.retention };
  const journal = new Journal(config.spill.path, config.spill.sync);
  const mqttLink = new LinkLog(log, 'broker', () => journal.points);
  const influxLink = new LinkLog(log, 'InfluxDB', () => journal.points);
  const stats = newStats(target.url, journal, mqttLink, influxLink);
  let schemaReady = false;
  try {
    await ensureSchema(schema);
    schemaReady = true;
    stats.influxUp = true;
    influxLink.markUp({ url: target.url });
  } catch (e) {
    influxLink.markDown(`schema not set up yet: ${(e as Error).message}`);
  }

  let rejections: ((topic: string, body: string) => void) | undefined;
  const publishRejection = (body: Record<string, unknown>) =>
    rejections?.(rejectedTopic, JSON.stringify({ at: new Date().toISOString(), ...body }));
  const writer = new SpillWriter({
    journal,
    target,
    schema,
    schemaReady,
    batch: config.batch,
    retry: config.retry,
    stats,
    metrics,
    influxLink,
    log,
    publishRejection,
  });
  const intake = {
    maxSpillPoints: config.spill.maxPoints,
    topics: new Topics(config.prefix),
    journal,
    stats,
    metrics,
    log,
    onQueued: (messages: number) => writer.queued(messages),
    publishRejection,
  };
  const reader = options.aedes
    ? await inProcess(options.aedes, intake, mqttLink)
    : startMqttReader({ ...intake, mqtt: config.mqtt, mqttLink });
  rejections = reader.publish;

  return {
    stats,
    metrics: metrics.registry,
    drained: () => writer.drained(),
    async close() {
      await reader.close();
      await writer.close();
      journal.close();
      await managed?.stop();
    },
  };
}

/** Reading from the broker it runs in: always connected. */
async function inProcess(aedes: Aedes, intake: SpillIntakeParts, link: LinkLog) {
  const reader = startInProcessReader(aedes, intake);
  await reader.subscribed;
  intake.stats.mqttConnected = true;
  link.markUp({ inProcess: true });
  return reader;
}

/** The configured InfluxDB, or one started in the data folder when the config names none. */
async function influxTarget(
  config: IngestConfig,
  log: Logger,
): Promise<{ target: InfluxTarget; managed: ManagedInflux | undefined }> {
  let managed: ManagedInflux | undefined;
  let url = config.influx.url;
  if (!url) {
    managed = await startManagedInflux({ dir: config.influx.managedDir });
    url = managed.url;
    log.info({ url, dir: config.influx.managedDir }, 'started a managed InfluxDB');
  }
  const { database, username, password } = config.influx;
  return { target: { url, database, username, password }, managed };
}

function newStats(influxUrl: string, journal: Journal, mqttLink: LinkLog, influxLink: LinkLog): IngestStats {
  return {
    messages: 0,
    messagesRejected: 0,
    linesRejected: 0,
    pointsQueued: 0,
    pointsWritten: 0,
    pointsRefused: 0,
    writeFailures: 0,
    backlog: journal.points,
    influxUp: false,
    mqttConnected: false,
    influxUrl,
    lastWriteAt: null,
    get mqttDownSince() {
      return mqttLink.downSince ?? null;
    },
    get influxDownSince() {
      return influxLink.downSince ?? null;
    },
  };
}
