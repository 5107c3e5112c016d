import { existsSync, readFileSync } from 'node:fs';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { decodeLines, Topics } from '../../wire/index.js';
import { type ManagedInflux, startManagedInflux } from '../influxdb/managed.js';
import { ensureSchema } from '../schema/index.js';
import { createLogger } from '../server/log.js';
import { type IngestConfig, type IngestOptions, IngestOptionsSchema } from './config.js';
import { GroupedCommit } from './grouped-acks.js';
import { type InfluxTarget, InfluxUnavailableError, writeLineProtocol } from './influx-writer.js';
import { Journal, type JournalBatch } from './journal.js';
import { LinkLog } from './link-log.js';
import { decodeDataMessage } from './message.js';
import { createIngestMetrics } from './metrics.js';
import { reconnectWithBackoff } from './reconnect.js';

/** /write requests out at once: points are idempotent by series and time, so their order does not matter. */
const WRITES_IN_FLIGHT = 4;

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
 * topic, appended to the on-disk spill queue and only then acknowledged; a writer loop sends the queue
 * to InfluxDB in batches and forgets a batch only once InfluxDB has answered for it.
 */
export async function startIngestor(
  input: IngestOptions | IngestConfig,
  options: { logger?: Logger } = {},
): Promise<Ingestor> {
  const config = IngestOptionsSchema.parse(input);
  const log = options.logger ?? createLogger('ingest');
  const topics = new Topics(config.prefix);
  const metrics = createIngestMetrics(() => stats); // read at scrape time, once stats exist
  const rejectedTopic = config.rejectedTopic ?? `${config.prefix}/_ingest/rejected`;

  let managed: ManagedInflux | undefined;
  let influxUrl = config.influx.url;
  if (!influxUrl) {
    managed = await startManagedInflux({ dir: config.influx.managedDir });
    influxUrl = managed.url;
    log.info({ url: influxUrl, dir: config.influx.managedDir }, 'started a managed InfluxDB');
  }
  const target: InfluxTarget = {
    url: influxUrl,
    database: config.influx.database,
    username: config.influx.username,
    password: config.influx.password,
  };

  const schemaOptions = { ...target, retention: config.influx.retention };
  const journal = new Journal(config.spill.path, config.spill.sync);
  const mqttLink = new LinkLog(log, 'broker', () => journal.points);
  const influxLink = new LinkLog(log, 'InfluxDB', () => journal.points);
  const stats: IngestStats = {
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
  let schemaReady = false;
  try {
    await ensureSchema(schemaOptions);
    schemaReady = true;
    stats.influxUp = true;
    influxLink.markUp({ url: influxUrl });
  } catch (e) {
    influxLink.markDown(`schema not set up yet: ${(e as Error).message}`);
  }

  let client: MqttClient | undefined;
  const publishRejection = (body: Record<string, unknown>) => {
    if (client?.connected)
      client.publish(rejectedTopic, JSON.stringify({ at: new Date().toISOString(), ...body }), { qos: 0 });
  };

  // ---- writer: spill queue → InfluxDB ----
  let closing = false;
  let stopping = false;
  let wake: (() => void) | undefined;
  /** When the oldest row not yet in a batch came (about). */
  let oldestQueuedAt = journal.rows > 0 ? 0 : Number.POSITIVE_INFINITY;
  let inFlight = 0;
  const writes = new Set<Promise<void>>();
  const drainWaiters: (() => void)[] = [];
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });
  /** The retry waits of the writes out; `close` cuts them short. */
  const retryWaits = new Set<() => void>();
  const backoff = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        retryWaits.delete(done);
        resolve();
      }
      retryWaits.add(done);
    });

  const reportRefused = (
    batch: JournalBatch,
    outcome: { reason: string; dropped: number },
    conflicts: { measurement: string; field: string; inputType: string }[],
  ) => {
    stats.pointsRefused += outcome.dropped;
    metrics.pointsRefused.inc(outcome.dropped);
    log.warn(
      { reason: outcome.reason, dropped: outcome.dropped },
      'InfluxDB refused points; the rest of the batch is stored',
    );
    // Name the refused lines where InfluxDB told us enough to find them.
    const typeOf = (v: unknown) =>
      typeof v === 'bigint'
        ? 'integer'
        : typeof v === 'number'
          ? 'float'
          : typeof v === 'string'
            ? 'string'
            : 'boolean';
    const lines = conflicts.length
      ? decodeLines(batch.text)
          .readings.filter((r) =>
            conflicts.some(
              (c) =>
                r.measurement === c.measurement && c.field in r.fields && typeOf(r.fields[c.field]) === c.inputType,
            ),
          )
          .slice(0, 100)
          .map((r) => ({ measurement: r.measurement, tags: r.tags, time: r.time.toString() }))
      : [];
    publishRejection({ stage: 'influxdb', reason: outcome.reason, dropped: outcome.dropped, points: lines });
  };

  const writeBatch = async (batch: JournalBatch): Promise<void> => {
    for (let delay = config.retry.minMs; ; delay = Math.min(delay * 2, config.retry.maxMs)) {
      try {
        if (!schemaReady) {
          await ensureSchema(schemaOptions);
          schemaReady = true;
        }
        const outcome = await writeLineProtocol(target, batch.text);
        if (outcome.kind === 'no-database') {
          schemaReady = false;
          throw new InfluxUnavailableError(outcome.reason);
        }
        stats.influxUp = true;
        stats.lastWriteAt = new Date();
        influxLink.markUp();
        let refused = 0;
        if (outcome.kind === 'partial') {
          refused = outcome.dropped;
          reportRefused(batch, outcome, outcome.conflicts);
        } else if (outcome.kind === 'refused') {
          refused = batch.points;
          reportRefused(batch, { reason: `${outcome.status} ${outcome.reason}`, dropped: batch.points }, []);
        }
        stats.pointsWritten += batch.points - refused;
        metrics.pointsWritten.inc(batch.points - refused);
        return;
      } catch (e) {
        stats.writeFailures++;
        metrics.writeFailures.inc();
        influxLink.markDown(`write failed, batch kept: ${(e as Error).message}`);
        stats.influxUp = false;
        if (closing) throw e;
        await backoff(delay);
        if (closing) throw e;
      }
    }
  };

  /**
   * A full batch goes at once (up to WRITES_IN_FLIGHT out, one while InfluxDB is failing); a partial
   * one waits maxDelayMs, and while a write is out it keeps filling instead.
   */
  const nextWriteIn = (): number => {
    if (journal.untakenRows === 0) return Number.POSITIVE_INFINITY;
    if (inFlight >= (stats.influxUp ? WRITES_IN_FLIGHT : 1)) return Number.POSITIVE_INFINITY;
    if (journal.untakenPoints >= config.batch.maxPoints || drainWaiters.length > 0) return 0;
    if (inFlight > 0) return Number.POSITIVE_INFINITY;
    return Math.max(0, config.batch.maxDelayMs - (Date.now() - oldestQueuedAt));
  };

  const startWrite = (batch: JournalBatch) => {
    inFlight++;
    const write = writeBatch(batch)
      .then(
        () => {
          journal.remove(batch);
          stats.backlog = journal.points;
          metrics.backlog.set(journal.points);
        },
        () => {}, // closing while InfluxDB is down: the batch stays queued for the next start
      )
      .finally(() => {
        inFlight--;
        writes.delete(write);
        wake?.();
      });
    writes.add(write);
  };

  const writerLoop = (async () => {
    while (!closing) {
      if (journal.rows === 0) for (const w of drainWaiters.splice(0)) w();
      const wait = nextWriteIn();
      if (wait > 0) {
        await sleep(Math.min(wait, 60_000));
        continue;
      }
      startWrite(journal.take(config.batch.maxPoints)!);
      oldestQueuedAt = journal.untakenRows > 0 ? Date.now() : Number.POSITIVE_INFINITY;
    }
    await Promise.all(writes);
  })();

  // ---- reader: MQTT → spill queue ----
  const password =
    config.mqtt.password ??
    (config.mqtt.passwordFile && existsSync(config.mqtt.passwordFile)
      ? readFileSync(config.mqtt.passwordFile, 'utf8').trim()
      : undefined);
  const mqttOptions: IClientOptions = {
    clientId: config.mqtt.clientId,
    clean: false,
    protocolVersion: config.mqtt.protocolVersion,
    username: config.mqtt.username,
    password,
    reconnectPeriod: 0, // reconnects are ours: backoff with jitter (a broker down for long is not hammered)
    connectTimeout: 10_000,
    ...(config.mqtt.protocolVersion === 5 ? { properties: { sessionExpiryInterval: 0xffffffff } } : {}),
  };
  const filter = config.mqtt.sharedGroup ? `$share/${config.mqtt.sharedGroup}/${topics.allData()}` : topics.allData();
  client = mqtt.connect(config.mqtt.url ?? 'mqtt://127.0.0.1:1883', mqttOptions);
  /** Points handed to `queued` and not yet committed: they count against spill.maxPoints. */
  let uncommitted = 0;
  const queued = new GroupedCommit<{ lines: string; points: number }>(
    client,
    (messages) => {
      const points = messages.reduce((n, m) => n + m.points, 0);
      uncommitted -= points;
      journal.appendMany(messages);
      stats.pointsQueued += points;
      metrics.pointsQueued.inc(points);
      stats.backlog = journal.points;
      metrics.backlog.set(journal.points);
      if (oldestQueuedAt === Number.POSITIVE_INFINITY) oldestQueuedAt = Date.now();
      if (journal.untakenPoints >= config.batch.maxPoints || journal.untakenRows === messages.length) wake?.();
    },
    (e) => {
      // Not queued: no PUBACK, the broker keeps the messages. Reconnect so they are sent again.
      log.error({ err: e.message }, 'spill queue write failed; messages left with the broker');
      client?.end(true, () => client?.reconnect());
    },
  );
  const take = (packet: { topic: string; payload: Buffer | string }, done: () => void) => {
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    stats.messages++;
    metrics.messages.inc();
    const decoded = decodeDataMessage(topics, packet.topic, payload);
    if (decoded.rejection) {
      stats.messagesRejected++;
      stats.linesRejected += decoded.rejection.errors.length;
      metrics.messagesRejected.inc();
      metrics.linesRejected.inc(decoded.rejection.errors.length);
      publishRejection({ stage: 'decode', topic: packet.topic, ...decoded.rejection, accepted: decoded.points });
    }
    if (decoded.uncatalogued) {
      metrics.uncatalogued.inc(decoded.uncatalogued.length);
      log.debug({ topic: packet.topic, uncatalogued: decoded.uncatalogued }, 'fields outside the catalogue');
    }
    // The PUBACK that `done` sends waits for the spill queue's commit (GroupedCommit).
    if (decoded.points > 0) {
      uncommitted += decoded.points;
      if (!queued.add({ lines: decoded.lines, points: decoded.points })) return;
    }
    done();
  };
  const full = () => config.spill.maxPoints !== undefined && journal.points + uncommitted >= config.spill.maxPoints;
  // Called once per message, in order; mqtt.js sends the PUBACK only after `done`.
  client.handleMessage = (packet, done) => {
    if (!full()) return take(packet, done);
    log.warn({ backlog: journal.points }, 'spill queue full (spill.maxPoints): holding acknowledgements');
    const timer = setInterval(() => {
      if (closing) return clearInterval(timer); // not acknowledged: the broker keeps it
      if (full()) return;
      clearInterval(timer);
      take(packet, done);
    }, 100);
  };
  const reconnect = reconnectWithBackoff(client, mqttLink, () => stopping);
  client.on('connect', () => {
    stats.mqttConnected = true;
    mqttLink.markUp({ url: config.mqtt.url, filter });
    client?.subscribe(filter, { qos: 1 }, (err, granted) => {
      if (err || granted?.some((g) => g.qos === 128))
        log.error({ filter, err: err?.message }, 'subscription refused: check the account has the ingestor role');
    });
  });
  client.on('close', () => {
    stats.mqttConnected = false;
  });

  return {
    stats,
    metrics: metrics.registry,
    drained: () =>
      journal.rows === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            drainWaiters.push(resolve);
            oldestQueuedAt = 0;
            wake?.();
          }),
    async close() {
      stopping = true;
      reconnect.stop();
      await new Promise<void>((resolve) => client?.end(false, {}, () => resolve()));
      closing = true;
      wake?.();
      for (const cut of [...retryWaits]) cut();
      await writerLoop;
      journal.close();
      await managed?.stop();
    },
  };
}
