import type { AedesOptions } from 'aedes';
import type { BrokerConfig } from './config.js';

/**
 * Memory (one process) or Redis (several broker processes as one cluster: messages through
 * mqemitter-redis, sessions, subscriptions, retained and will messages through aedes-persistence-redis).
 */
export async function persistenceOptions(
  config: BrokerConfig['persistence'],
): Promise<{ options: Partial<AedesOptions>; close(): Promise<void> }> {
  if (config.type === 'memory') return { options: {}, close: async () => {} };
  const { Redis } = await import('ioredis');
  const { default: mqemitterRedis } = await import('mqemitter-redis');
  const { default: redisPersistence } = await import('aedes-persistence-redis');
  const conn = new Redis(config.url, { maxRetriesPerRequest: null });
  const mq = mqemitterRedis({ connectionString: config.url });
  // A long-offline ingestor may have many messages queued: deliver them all when it comes back.
  const persistence = redisPersistence({ conn, maxSessionDelivery: 1_000_000 });
  return {
    options: { mq, persistence },
    close: async () => {
      conn.disconnect();
    },
  };
}
