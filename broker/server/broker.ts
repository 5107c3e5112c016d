import { Aedes } from 'aedes';
import type { Logger } from 'pino';
import { createDashboardHandler } from '../dashboard/handler.js';
import type { Ingestor } from '../ingest/ingestor.js';
import { installAuth } from './auth.js';
import { type BrokerConfig, type BrokerConfigInput, parseBrokerConfig } from './config.js';
import { healthAndMetricsHandler } from './http.js';
import { openListeners } from './listeners.js';
import { createLogger } from './log.js';
import { createBrokerMetrics } from './metrics.js';
import { persistenceOptions } from './persistence.js';
import { generatePassword, hashPassword, type Role, UserDirectory } from './users.js';

export interface RunningBroker {
  /** mqtt://host:port of the TCP listener (undefined when none is configured). */
  mqttUrl: string | undefined;
  mqttsUrl: string | undefined;
  /** ws://host:port/mqtt, MQTT over WebSocket on the HTTP listener. */
  wsUrl: string | undefined;
  /** http://host:port: /health, /metrics and the dashboard. */
  httpUrl: string | undefined;
  aedes: Aedes;
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
  outgoingStream(client: { id: string }): AsyncIterable<unknown>;
}

const IN_PROCESS_INGESTOR = 'tidegate-ingest-in-process';

/** Runs the broker the config describes (as parsed from YAML; defaults are applied here). */
export async function startBroker(input: BrokerConfigInput | BrokerConfig, options: StartBrokerOptions = {}) {
  const config = parseBrokerConfig(input);
  const log = options.logger ?? createLogger('broker');
  const metrics = createBrokerMetrics();
  const users = new UserDirectory(config.usersFile);
  const persistence = await persistenceOptions(config.persistence);
  const aedes = await Aedes.createBroker({ ...persistence.options });
  const store = (aedes as unknown as { persistence: AedesStore }).persistence;

  const ingest = config.ingest?.enabled ? config.ingest : undefined;
  const durable = [...config.durableSessions];
  const reserved = new Map<string, Role[]>();
  if (ingest) {
    const topic = `${ingest.prefix}/+/data/+`;
    if (!durable.some((d) => d.clientId === ingest.mqtt.clientId))
      durable.push({ clientId: ingest.mqtt.clientId, topics: [topic] });
  }
  for (const d of durable) reserved.set(d.clientId, ['ingestor', 'admin']);

  installAuth(
    aedes,
    {
      prefix: config.prefix,
      users,
      rules: config.acl,
      maxPayloadBytes: config.limits.maxPayloadBytes,
      maxConnectionsPerUser: config.limits.maxConnectionsPerUser,
      reservedClientIds: reserved,
    },
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
  const dashboard = createDashboardHandler({ mqttWebSocketPath: config.listeners.http?.websocketPath ?? '/mqtt' });
  const health = healthAndMetricsHandler(
    () => {
      const ingestStats = ingestor?.stats;
      return {
        ok: !ingestStats || ingestStats.influxUp,
        clients: aedes.connectedClients,
        brokerId: aedes.id,
        ...(ingestStats ? { ingest: ingestStats } : {}),
      };
    },
    () => [metrics.registry, ...(ingestor ? [ingestor.metrics] : [])],
  );
  const listeners = await openListeners(aedes, config.listeners, [dashboard, health]);
  log.info(
    { mqtt: listeners.mqttUrl, mqtts: listeners.mqttsUrl, http: listeners.httpUrl, ws: listeners.wsUrl },
    'broker listening',
  );

  if (ingest) {
    if (!listeners.mqttUrl) throw new Error('ingest: the in-process ingestor needs listeners.mqtt');
    const password = generatePassword();
    users.addInMemory({ name: IN_PROCESS_INGESTOR, role: 'ingestor', password: await hashPassword(password) });
    const { startIngestor } = await import('../ingest/ingestor.js');
    const { enabled: _, ...ingestOptions } = ingest;
    ingestor = await startIngestor(
      { ...ingestOptions, mqtt: { ...ingest.mqtt, url: listeners.mqttUrl, username: IN_PROCESS_INGESTOR, password } },
      { logger: log.child({ part: 'ingest' }) },
    );
  }

  const durableIds = new Set(durable.map((d) => d.clientId));
  const queuedFor = async (clientId: string): Promise<number> => {
    let n = 0;
    for await (const _ of store.outgoingStream({ id: clientId })) n++;
    return n;
  };

  const running: RunningBroker = {
    mqttUrl: listeners.mqttUrl,
    mqttsUrl: listeners.mqttsUrl,
    wsUrl: listeners.wsUrl,
    httpUrl: listeners.httpUrl,
    aedes,
    config,
    get ingestor() {
      return ingestor;
    },
    async close({ drainMs = 5_000 } = {}) {
      const deadline = Date.now() + drainMs;
      // Gateways go first (they keep unacknowledged messages and send them again)...
      const clients = (aedes as unknown as { clients: Record<string, { id: string; close(): void }> }).clients;
      for (const c of Object.values(clients)) if (!durableIds.has(c.id)) c.close();
      // ...then durable sessions get a moment to take what is queued for them.
      for (const id of durableIds)
        while (Date.now() < deadline && clients[id] && (await queuedFor(id)) > 0)
          await new Promise((r) => setTimeout(r, 50));
      await ingestor?.close();
      await listeners.close();
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await persistence.close();
    },
  };
  return running;
}
