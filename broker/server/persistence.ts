import type { AedesOptions } from 'aedes';
import type { BrokerConfig } from './config.js';

export interface BrokerPersistence {
  options: Partial<AedesOptions>;
  /** Why acknowledged messages could be lost with this setup (the broker logs it at start); undefined when none. */
  risk: string | undefined;
  close(): Promise<void>;
}

/**
 * SQLite (one process, sessions on disk: broker/persistence/), Redis (several broker processes as one
 * cluster: messages through mqemitter-redis, sessions, subscriptions, retained and will messages
 * through aedes-persistence-redis) or memory (a throwaway setup: lost with the process).
 */
export async function persistenceOptions(config: BrokerConfig['persistence']): Promise<BrokerPersistence> {
  if (config.type === 'memory')
    return {
      options: {},
      risk: 'persistence is memory: messages queued for durable sessions (an absent ingestor) are lost if the broker stops or dies; use persistence: { type: sqlite } or redis',
      close: async () => {},
    };
  if (config.type === 'sqlite') {
    const { SqlitePersistence } = await import('../persistence/sqlite-persistence.js');
    const persistence = new SqlitePersistence({ path: config.path, sync: config.sync });
    return {
      options: { persistence: persistence as unknown as AedesOptions['persistence'] },
      risk: undefined,
      close: () => persistence.destroy(),
    };
  }
  const { Redis } = await import('ioredis');
  const { default: mqemitterRedis } = await import('mqemitter-redis');
  const { default: redisPersistence } = await import('aedes-persistence-redis');
  const conn = new Redis(config.url, { maxRetriesPerRequest: null });
  const mq = mqemitterRedis({ connectionString: config.url });
  // A long-offline ingestor may have many messages queued: deliver them all when it comes back.
  const persistence = redisPersistence({ conn, maxSessionDelivery: 1_000_000 });
  return {
    options: { mq, persistence },
    risk: await redisDurabilityRisk(conn),
    close: async () => {
      conn.disconnect();
    },
  };
}

/** Redis acknowledges a write once it is in memory; only an fsync'd append-only file keeps it through a crash. */
async function redisDurabilityRisk(conn: import('ioredis').Redis): Promise<string | undefined> {
  try {
    const [, appendonly] = (await conn.config('GET', 'appendonly')) as string[];
    const [, appendfsync] = (await conn.config('GET', 'appendfsync')) as string[];
    if (appendonly === 'yes' && appendfsync === 'always') return undefined;
    return `Redis has appendonly ${appendonly}, appendfsync ${appendfsync}: messages acknowledged in the last moments before Redis dies can be lost; set appendonly yes and appendfsync always (docs/broker.md)`;
  } catch (e) {
    return `could not read Redis' durability settings (${(e as Error).message}): make sure it runs with appendonly yes and appendfsync always (docs/broker.md)`;
  }
}
