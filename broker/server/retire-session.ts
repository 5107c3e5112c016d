import type { Aedes } from 'aedes';
import type { Logger } from 'pino';

/** The parts of aedes' persistence used here; `dropQueue` is the SQLite persistence's own. */
export interface SessionStore {
  cleanSubscriptions(client: { id: string }): Promise<void>;
  outgoingStream(client: { id: string }): AsyncIterable<Record<string, unknown>>;
  dropQueue?(clientId: string): void;
}

/**
 * Ends a durable session the broker no longer keeps (the in-process ingestor had one before it read
 * aedes directly): its subscriptions go first, so nothing more is queued for it, then what was queued
 * is published again, which hands it to whoever subscribes now (the in-process ingestor, before the
 * listeners open), and only then is the queue forgotten. A crash in between publishes it again on the
 * next start: points are idempotent by series and time.
 */
export async function retireSession(aedes: Aedes, store: SessionStore, clientId: string, log: Logger): Promise<void> {
  await store.cleanSubscriptions({ id: clientId });
  let handedOn = 0;
  for await (const queued of store.outgoingStream({ id: clientId })) {
    const { topic, payload, qos } = queued as { topic: string; payload: Buffer; qos: 0 | 1 | 2 };
    await new Promise<void>((resolve, reject) =>
      aedes.publish({ cmd: 'publish', topic, payload, qos, retain: false, dup: false }, (e) =>
        e ? reject(e) : resolve(),
      ),
    );
    handedOn++;
  }
  store.dropQueue?.(clientId);
  if (handedOn > 0) log.info({ clientId, messages: handedOn }, 'handed on what a retired session had queued');
}
