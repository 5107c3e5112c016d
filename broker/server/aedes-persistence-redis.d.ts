/** aedes-persistence-redis ships no types; only what broker/server/persistence.ts uses. */
declare module 'aedes-persistence-redis' {
  import type { Redis } from 'ioredis';

  interface RedisPersistenceOptions {
    conn?: Redis;
    maxSessionDelivery?: number;
    packetTTL?: () => number;
  }
  // biome-ignore lint/suspicious/noExplicitAny: the persistence object is handed to aedes as is
  export default function redisPersistence(options?: RedisPersistenceOptions): any;
}
