import * as z from 'zod';

/** What the ingestor needs; the same shape in an ingest config file and in a broker config's `ingest:`. */
export const IngestOptionsSchema = z.strictObject({
  mqtt: z
    .strictObject({
      /** Broker URL; in-process, the broker's own TCP listener. */
      url: z.string().optional(),
      username: z.string().optional(),
      password: z.string().optional(),
      passwordFile: z.string().optional(),
      /** Fixed, so the broker keeps the session (and queues QoS 1 messages) while the ingestor is away. */
      clientId: z.string().min(1).default('tidegate-ingestor'),
      protocolVersion: z.union([z.literal(4), z.literal(5)]).default(4),
      /** MQTT 5 only: subscribe as `$share/<group>/...` so several ingestors split the load. */
      sharedGroup: z.string().optional(),
    })
    .prefault({}),
  prefix: z.string().default('tidegate'),
  influx: z
    .strictObject({
      /** Without a URL, an influxd is started in `managedDir` when installed. */
      url: z.string().optional(),
      database: z.string().default('tidegate'),
      username: z.string().optional(),
      password: z.string().optional(),
      managedDir: z.string().default('.tidegate/influxdb'),
      /** How long raw readings and the hourly and daily rollups are kept (InfluxQL durations or INF). */
      retention: z
        .strictObject({ raw: z.string().optional(), hourly: z.string().optional(), daily: z.string().optional() })
        .optional(),
    })
    .prefault({}),
  batch: z
    .strictObject({
      maxPoints: z.number().int().positive().default(5000),
      maxDelayMs: z.number().int().positive().default(1000),
    })
    .prefault({}),
  spill: z
    .strictObject({
      /** The on-disk queue (SQLite) every acknowledged message goes through. */
      path: z.string().default('.tidegate/ingest-queue.db'),
      /** `full` also survives a power cut, at the cost of one fsync per message. */
      sync: z.enum(['normal', 'full']).default('normal'),
      /**
       * Past this many queued points (InfluxDB away for long), messages are no longer acknowledged:
       * they wait with the broker, in the ingestor's persistent session, until the queue shrinks.
       */
      maxPoints: z.number().int().positive().optional(),
    })
    .prefault({}),
  /** `tidegate ingest` only: serve GET /health and /metrics here (the in-process ingestor uses the broker's). */
  http: z
    .strictObject({ host: z.string().default('127.0.0.1'), port: z.number().int().min(0).max(65535).default(9101) })
    .optional(),
  /** Where messages and lines that cannot be ingested are published, as JSON with the reason. */
  rejectedTopic: z.string().optional(),
  /** Retry delay while InfluxDB is unreachable, doubled up to the maximum. */
  retry: z
    .strictObject({ minMs: z.number().int().positive().default(200), maxMs: z.number().int().positive().default(5000) })
    .prefault({}),
});

export type IngestOptions = z.input<typeof IngestOptionsSchema>;
export type IngestConfig = z.output<typeof IngestOptionsSchema>;
