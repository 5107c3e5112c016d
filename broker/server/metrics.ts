import { Counter, Gauge, Registry } from 'prom-client';

/** The broker's Prometheus metrics, in a registry of its own (several brokers may share a process). */
export function createBrokerMetrics() {
  const registry = new Registry();
  const m = {
    registry,
    connectionsAccepted: new Counter({
      name: 'tidegate_broker_connections_accepted_total',
      help: 'MQTT connections accepted, by role',
      labelNames: ['role'],
      registers: [registry],
    }),
    connectionsRefused: new Counter({
      name: 'tidegate_broker_connections_refused_total',
      help: 'MQTT connections refused: bad_credentials, throttled, not_authorized, identifier_rejected, client_id_owned, connection_limit',
      labelNames: ['reason'],
      registers: [registry],
    }),
    connectionsDropped: new Counter({
      name: 'tidegate_broker_connections_dropped_total',
      help: 'connections closed before aedes parsed a packet: oversized or malformed packet, TLS handshake timeout',
      labelNames: ['reason'],
      registers: [registry],
    }),
    publishDenied: new Counter({
      name: 'tidegate_broker_publish_denied_total',
      help: 'PUBLISH packets dropped: reason acl, topic, payload_too_large or not_authenticated',
      labelNames: ['reason'],
      registers: [registry],
    }),
    subscribeDenied: new Counter({
      name: 'tidegate_broker_subscribe_denied_total',
      help: 'SUBSCRIBE filters refused with 0x80',
      registers: [registry],
    }),
    messagesPublished: new Counter({
      name: 'tidegate_broker_messages_published_total',
      help: 'messages accepted from clients',
      registers: [registry],
    }),
    clients: new Gauge({ name: 'tidegate_broker_clients', help: 'connected MQTT clients', registers: [registry] }),
  };
  return m;
}

export type BrokerMetrics = ReturnType<typeof createBrokerMetrics>;
