import { Aedes } from 'aedes';
import type { Logger } from 'pino';
import { attachOperatorApi } from '../dashboard/api/attach.js';
import { createDashboardHandler } from '../dashboard/handler.js';
import { ingestHealth } from '../ingest/health.js';
import type { Ingestor } from '../ingest/ingestor.js';
import { storeBeforeAck } from '../persistence/store-before-ack.js';
import { filterWithin } from './acl.js';
import { installAuth } from './auth.js';
import { type BrokerConfig, type BrokerConfigInput, parseBrokerConfig } from './config.js';
import { healthAndMetricsHandler } from './http.js';
import { openListeners } from './listeners.js';
import { createLogger } from './log.js';
import { createBrokerMetrics } from './metrics.js';
import { persistenceOptions } from './persistence.js';
import { watchDurableSessions } from './sessions.js';
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
interface AedesStore {
  addSubscriptions(client: { id: string }, subs: { topic: string; qos: number }[]): Promise<unknown>;
}

const IN_PROCESS_INGESTOR = 'tidegate-ingest-in-process';

/** Runs the broker the config describes (as parsed from YAML; defaults are applied here). */
export async function startBroker(input: BrokerConfigInput | BrokerConfig, options: StartBrokerOptions = {}) {
  const config = parseBrokerConfig(input);
  const log = options.logger ?? createLogger('broker');
  const metrics = createBrokerMetrics();
  const users = new UserDirectory(config.usersFile);
  const persistence = await persistenceOptions(config.persistence);
  if (persistence.risk) log.warn({ persistence: config.persistence.type }, persistence.risk);
  const aedes = await Aedes.createBroker({ ...persistence.options });
  const store = (aedes as unknown as { persistence: AedesStore }).persistence;

  const ingest = config.ingest?.enabled ? config.ingest : undefined;
  const durable = [...config.durableSessions];
  const reserved = new Map<string, Role[]>();
  if (ingest) {
    const topic = `${ingest.prefix}/+/data/+`;
    if (!durable.some((d) => d.clientId === ingest.mqtt.clientId))
      durable.push({ clientId: ingest.mqtt.clientId, topics: [topic], maxAwayS: 300 });
  }
  for (const d of durable) reserved.set(d.clientId, ['ingestor', 'admin']);

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
  const dashboard = createDashboardHandler({
    mqttWebSocketPath: config.listeners.http?.websocketPath ?? '/mqtt',
    prefix: config.prefix,
    log: (message) => log.info(message),
  });
  const sessionsHealth = watchDurableSessions(aedes, durable);
  const health = healthAndMetricsHandler(
    async () => {
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
    () => [metrics.registry, ...(ingestor ? [ingestor.metrics] : [])],
    config.listeners.http?.expose,
  );
  const operatorApi = attachOperatorApi({
    aedes,
    prefix: config.prefix,
    users,
    eventsPath: config.events.path,
    maxEvents: config.events.maxEvents,
    influx: () =>
      config.history?.influx ?? (ingest && ingestor ? { ...ingest.influx, url: ingestor.stats.influxUrl } : undefined),
    log: (message, fields) => log.info(fields ?? {}, message),
  });
  const listeners = await openListeners(aedes, config.listeners, [dashboard, operatorApi.handler, health], {
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

  if (ingest) {
    if (!listeners.mqttUrl) throw new Error('ingest: the in-process ingestor needs listeners.mqtt');
    const password = generatePassword();
    users.addInMemory({ name: IN_PROCESS_INGESTOR, role: 'ingestor', password: hashGeneratedPassword(password) });
    const { startIngestor } = await import('../ingest/ingestor.js');
    const { enabled: _, ...ingestOptions } = ingest;
    ingestor = await startIngestor(
      { ...ingestOptions, mqtt: { ...ingest.mqtt, url: listeners.mqttUrl, username: IN_PROCESS_INGESTOR, password } },
      { logger: log.child({ part: 'ingest' }) },
    );
  }

  // Messages a durable session still has to acknowledge: published for it minus its PUBACKs.
  const durableIds = new Set(durable.map((d) => d.clientId));
  const unacked = new Map(durable.map((d) => [d.clientId, 0]));
  aedes.on('publish', (packet, client) => {
    if (!client || packet.qos === 0) return;
    for (const d of durable)
      if (d.topics.some((t) => filterWithin(packet.topic, t)))
        unacked.set(d.clientId, (unacked.get(d.clientId) ?? 0) + 1);
  });
  aedes.on('ack', (_packet, client) => {
    if (client && durableIds.has(client.id)) unacked.set(client.id, (unacked.get(client.id) ?? 0) - 1);
  });
  // Messages authorized and not yet handed on (stored and delivered: storeBeforeAck sends the PUBACK after).
  let handingOn = 0;
  let progress = 0;
  const authorize = aedes.authorizePublish;
  aedes.authorizePublish = (client, packet, done) =>
    authorize(client, packet, (err) => {
      if (!err && client && packet.qos > 0) handingOn++;
      done(err);
    });
  aedes.published = (packet, client, done) => {
    if (client && packet.qos > 0) handingOn--;
    progress++;
    done(null);
  };
  aedes.on('ack', () => progress++);
  storeBeforeAck(aedes, (e, client) =>
    log.error({ clientId: client.id, err: e.message }, 'message not stored: no PUBACK'),
  );
  const busy = () => handingOn > 0 || [...unacked.values()].some((n) => n > 0);
  /** Until nothing is pending, or nothing moved for `quietMs` (a PUBACK that could not be written), or the deadline. */
  const settle = async (deadline: number, quietMs = 500) => {
    let last = progress;
    let lastMoved = Date.now();
    while (busy() && Date.now() < deadline && Date.now() - lastMoved < quietMs) {
      await new Promise((r) => setTimeout(r, 20));
      if (progress !== last) {
        last = progress;
        lastMoved = Date.now();
      }
    }
  };

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
      for (const c of Object.values(clients)) if (!durableIds.has(c.id)) c.close();
      // ...then what they had sent is handed on, and durable sessions get a moment to acknowledge it.
      await settle(deadline);
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
