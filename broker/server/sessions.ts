import type { Readable } from 'node:stream';
import type { Aedes } from 'aedes';

/** The one call of aedes' persistence API used here: every persistence (memory, Redis, ours) has it. */
interface OutgoingStore {
  outgoingStream(client: { id: string }): Readable;
  /** The SQLite persistence counts without reading the messages. */
  queued?(clientId: string): number;
}

export interface DurableSession {
  clientId: string;
  /** Away longer than this (seconds), the session makes the broker's /health not ok. */
  maxAwayS: number;
}

export interface DurableSessionHealth {
  clientId: string;
  connected: boolean;
  /** Connected since, or away since (broker start when it never connected). */
  since: string;
  /** Messages queued for it in the persistence (in flight included). */
  queued: number;
  ok: boolean;
}

/** How long a count of the queues is reused: counting reads every queued message. */
const COUNT_CACHE_MS = 2_000;

/**
 * What /health says of each durable session (the ingestors): is its client connected, how many messages
 * wait for it, and is it away longer than it may be. Connections are those seen by this broker process.
 */
export function watchDurableSessions(aedes: Aedes, sessions: DurableSession[]) {
  const store = (aedes as unknown as { persistence: OutgoingStore }).persistence;
  const since = new Map(sessions.map((s) => [s.clientId, { connected: false, at: Date.now() }]));
  const mark = (id: string, connected: boolean) => {
    if (since.has(id)) since.set(id, { connected, at: Date.now() });
  };
  const current = (aedes as unknown as { clients: Record<string, unknown> }).clients;
  aedes.on('clientReady', (client) => mark(client.id, true));
  // A client taken over by a new connection with its id (a half-open socket) leaves after the new one came.
  aedes.on('clientDisconnect', (client) => {
    if (!current[client.id] || current[client.id] === client) mark(client.id, false);
  });

  let cached: { at: number; counts: Promise<number[]> } | undefined;
  const count = async (clientId: string) => {
    if (store.queued) return store.queued(clientId);
    let n = 0;
    for await (const _ of store.outgoingStream({ id: clientId })) n++;
    return n;
  };
  const counts = () => {
    if (!cached || Date.now() - cached.at > COUNT_CACHE_MS)
      cached = { at: Date.now(), counts: Promise.all(sessions.map((s) => count(s.clientId))) };
    return cached.counts;
  };

  return async (): Promise<DurableSessionHealth[]> => {
    const queued = await counts().catch(() => sessions.map(() => -1));
    return sessions.map((s, i) => {
      const state = since.get(s.clientId)!;
      const awayS = state.connected ? 0 : (Date.now() - state.at) / 1000;
      return {
        clientId: s.clientId,
        connected: state.connected,
        since: new Date(state.at).toISOString(),
        queued: queued[i]!,
        ok: awayS <= s.maxAwayS,
      };
    });
  };
}
