import { Aedes } from 'aedes';
import type { Logger } from 'pino';
import { attachOperatorApi } from '../dashboard/api/attach.js';
import { createDashboardHandler } from '../dashboard/handler.js';
import { ingestHealth } from '../ingest/health.js';
import type { Ingestor } from '../ingest/ingestor.js';
import { storeBeforeAck } from '../persistence/store-before-ack.js';
import { installAuth } from './auth.js';
import { type BrokerConfig, type BrokerConfigInput, parseBrokerConfig } from './config.js';
import { watchDrain } from './drain.js';
import { healthAndMetricsHandler } from './http.js';
import { openListeners } from './listeners.js';
import { createLogger } from './log.js';
import { createBrokerMetrics } from './metrics.js';
import { persistenceOptions } from './persistence.js';
import { retireSession, type SessionStore } from './retire-session.js';
import { type DurableSession, watchDurableSessions } from './sessions.js';
import { unwindEmitter } from './unwind-emitter.js';
import { generatePassword, hashGeneratedPassword, type Role, UserDirectory } from './users.js';

export interface RunningBroker {
  /** mqtt://host:port of the TCP listener (undefined when none is configured). */
  mqttUrl: string | undefined;
  mqttsUrl: string | undefined;
  /** ws://host:port/mqtt, MQTT over WebSocket on the HTTP listener. */
  wsUrl: string | undefined;
  /** http://host:port: /health, /metrics and the dashboard. */
  httpUrl: string | undefined;
  aedes: Aedes;
  /** Re-reads the users file now (SIGHUP); connections of removed or changed accounts are closed. */
  reloadUsers(): void;
  /** The in-process ingestor, when the config enables one. */
  ingestor: Ingestor | undefined;
  config: BrokerConfig;
  /**
   * Stops accepting, disconnects clients other than durable sessions, waits (up to `drainMs`) until
   * the durable sessions have acknowledged what was queued for them, then closes everything.
   */
  close(options?: { drainMs?: number }): Promise<void>;
}

export interface StartBrokerOptions {
  logger?: Logger;
}

/** The parts of aedes' persistence used here (aedes' types do not declare it). */
interface AedesStore extends SessionStore {
  addSubscriptions(client: { id: string }, subs: { topic: string; qos: number }[]): Promise<unknown>;
}

const IN_PROCESS_INGESTOR = 'tidegate-ingest-in-process';
const IN_PROCESS_CONCURRENCY = 1000;

/** Runs the broker the config describes (as parsed from YAML; defaults are applied here). */
export async function startBroker(input: BrokerConfigInput | BrokerConfig, options: StartBrokerOptions = {}) {
  const config = parseBrokerConfig(input);
  const log = options.logger ?? createLogger('broker');
  const metrics = createBrokerMetrics();
  const users = new UserDirectory(config.usersFile);
  const persistence = await persistenceOptions(config.persistence);
  if (persistence.risk) log.warn({ persistence: config.persistence.type }, persistence.risk);
  const ingest = config.ingest?.enabled ? config.ingest : undefined;
  // In a Redis cluster every broker's emitter sees every message: there the ingestor keeps its MQTT session.
  const readsAedes = ingest !== undefined && config.persistence.type !== 'redis';
  const aedes = await Aedes.createBroker({
    ...persistence.options,
    // The in-process ingestor holds each message (and its PUBACK) until its spill commit, one turn of the
    // event loop: aedes' default of 100 messages in flight would queue the rest behind it.
    ...(readsAedes ? { concurrency: IN_PROCESS_CONCURRENCY } : {}),
  });
  unwindEmitter((aedes as unknown as { mq: object }).mq);
  const store = (aedes as unknown as { persistence: AedesStore }).persistence;

  const durable = durableSessionsOf(config, readsAedes ? undefined : ingest);
  const reserved = new Map<string, Role[]>(durable.map((d) => [d.clientId, ['ingestor', 'admin']]));

  const auth = installAuth(
    aedes,
    { ...config.limits, prefix: config.prefix, users, rules: config.acl, reservedClientIds: reserved },
    metrics,
    log,
  );
  aedes.on('publish', (_packet, client) => {
    if (client) metrics.messagesPublished.inc();
  });
  aedes.on('clientReady', () => metrics.clients.inc());
  aedes.on('clientDisconnect', () => metrics.clients.dec());
  aedes.on('clientError', (client, e) => log.debug({ clientId: client.id, err: e.message }, 'client error'));

  // Sessions that must exist before their client first connects, so nothing published meanwhile is lost.
  for (const d of durable)
    await store.addSubscriptions(
      { id: d.clientId },
      d.topics.map((topic) => ({ topic, qos: 1 })),
    );

  let ingestor: Ingestor | undefined;
  if (ingest && readsAedes) {
    // Subscribed before any gateway can publish: with no durable session, a message nobody takes is gone.
    ingestor = await startInProcessIngestor(ingest, { aedes }, users, log);
    if (!durable.some((d) => d.clientId === ingest.mqtt.clientId))
      await retireSession(aedes, store, ingest.mqtt.clientId, log);
  }
  const http = httpHandlers(config, aedes, durable, users, metrics, log, () => ingestor);
  const operatorApi = http.operatorApi;
  const listeners = await openListeners(aedes, config.listeners, http.handlers, {
    maxConnectBytes: config.limits.maxConnectBytes,
    maxPayloadBytes: config.limits.maxPayloadBytes,
    onDrop: (reason, detail) => {
      metrics.connectionsDropped.inc({ reason });
      log.debug({ reason, detail: detail.slice(0, 200) }, 'connection dropped');
    },
  });
  log.info(
    { mqtt: listeners.mqttUrl, mqtts: listeners.mqttsUrl, http: listeners.httpUrl, ws: listeners.wsUrl },
    'broker listening',
  );

  if (ingest && !readsAedes)
    ingestor = await startInProcessIngestor(ingest, { mqttUrl: listeners.mqttUrl }, users, log);

  const drain = watchDrain(aedes, durable);
  storeBeforeAck(aedes, (e, client) =>
    log.error({ clientId: client.id, err: e.message }, 'message not stored: no PUBACK'),
  );

  const running: RunningBroker = {
    mqttUrl: listeners.mqttUrl,
    mqttsUrl: listeners.mqttsUrl,
    wsUrl: listeners.wsUrl,
    httpUrl: listeners.httpUrl,
    aedes,
    config,
    reloadUsers: auth.reloadUsers,
    get ingestor() {
      return ingestor;
    },
    async close({ drainMs = 5_000 } = {}) {
      const deadline = Date.now() + drainMs;
      // Gateways go first (they keep unacknowledged messages and send them again)...
      const clients = (aedes as unknown as { clients: Record<string, { id: string; close(): void }> }).clients;
      for (const c of Object.values(clients)) if (!drain.isDurable(c.id)) c.close();
      // ...then what they had sent is handed on, and durable sessions get a moment to acknowledge it.
      await drain.settle(deadline);
      await ingestor?.close();
      auth.stop();
      await listeners.close();
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await new Promise((r) => setImmediate(r)); // closing clients' last persistence calls
      await persistence.close();
      operatorApi.close();
    },
  };
  return running;
}

type InProcessIngest = NonNullable<BrokerConfig['ingest']>;

/** The configured durable sessions, and the in-process ingestor's when the config has none for it. */
function durableSessionsOf(config: BrokerConfig, ingest: InProcessIngest | undefined) {
  const durable = [...config.durableSessions];
  if (ingest && !durable.some((d) => d.clientId === ingest.mqtt.clientId))
    durable.push({ clientId: ingest.mqtt.clientId, topics: [`${ingest.prefix}/+/data/+`], maxAwayS: 300 });
  return durable;
}

/**
 * The ingestor inside the broker process: reading aedes' emitter directly, or (Redis cluster) over the
 * broker's own TCP listener, logged in with an account made for it in memory.
 */
async function startInProcessIngestor(
  ingest: InProcessIngest,
  via: { aedes: Aedes } | { mqttUrl: string | undefined },
  users: UserDirectory,
  log: Logger,
): Promise<Ingestor> {
  const { startIngestor } = await import('../ingest/ingestor.js');
  const { enabled: _, ...ingestOptions } = ingest;
  const logger = log.child({ part: 'ingest' });
  if ('aedes' in via) return startIngestor(ingestOptions, { logger, aedes: via.aedes });
  if (!via.mqttUrl) throw new Error('ingest: the in-process ingestor needs listeners.mqtt');
  const password = generatePassword();
  users.addInMemory({ name: IN_PROCESS_INGESTOR, role: 'ingestor', password: hashGeneratedPassword(password) });
  return startIngestor(
    { ...ingestOptions, mqtt: { ...ingest.mqtt, url: via.mqttUrl, username: IN_PROCESS_INGESTOR, password } },
    { logger },
  );
}

/** The HTTP listener's handlers: the dashboard, the operators' API, /health and /metrics. */
function httpHandlers(
  config: BrokerConfig,
  aedes: Aedes,
  durable: DurableSession[],
  users: UserDirectory,
  metrics: ReturnType<typeof createBrokerMetrics>,
  log: Logger,
  inProcess: () => Ingestor | undefined,
) {
  const ingest = config.ingest?.enabled ? config.ingest : undefined;
  const dashboard = createDashboardHandler({
    mqttWebSocketPath: config.listeners.http?.websocketPath ?? '/mqtt',
    prefix: config.prefix,
    log: (message) => log.info(message),
  });
  const sessionsHealth = watchDurableSessions(aedes, durable);
  const health = healthAndMetricsHandler(
    async () => {
      const ingestor = inProcess();
      const ingestReport = ingestor ? ingestHealth(ingestor.stats) : undefined;
      const durableSessions = await sessionsHealth();
      return {
        ok: (ingestReport?.ok ?? true) && durableSessions.every((s) => s.ok),
        clients: aedes.connectedClients,
        brokerId: aedes.id,
        durableSessions,
        ...(ingestReport ? { ingest: ingestReport } : {}),
      };
    },
    () => {
      const ingestor = inProcess();
      return [metrics.registry, ...(ingestor ? [ingestor.metrics] : [])];
    },
    config.listeners.http?.expose,
  );
  const operatorApi = attachOperatorApi({
    aedes,
    prefix: config.prefix,
    users,
    eventsPath: config.events.path,
    maxEvents: config.events.maxEvents,
    influx: () => {
      const ingestor = inProcess();
      return (
        config.history?.influx ?? (ingest && ingestor ? { ...ingest.influx, url: ingestor.stats.influxUrl } : undefined)
      );
    },
    log: (message, fields) => log.info(fields ?? {}, message),
  });
  return { handlers: [dashboard, operatorApi.handler, health], operatorApi };
}
