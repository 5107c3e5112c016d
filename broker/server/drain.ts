import type { Aedes } from 'aedes';
import { filterWithin } from './acl.js';

/** A durable session: its client id and the topics it is subscribed to before it ever connects. */
interface DurableSession {
  clientId: string;
  topics: string[];
}

/**
 * What the broker still owes at shutdown: messages authorized and not yet handed on (stored and
 * delivered; storeBeforeAck sends the PUBACK after), and messages a durable session has not yet
 * acknowledged (published for it minus its PUBACKs). Install before storeBeforeAck wraps
 * authorizePublish, so this counts what it hands on.
 */
export function watchDrain(aedes: Aedes, durable: DurableSession[]) {
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
  const busy = () => handingOn > 0 || [...unacked.values()].some((n) => n > 0);

  return {
    isDurable: (clientId: string) => durableIds.has(clientId),
    /** Until nothing is pending, or nothing moved for `quietMs` (a PUBACK that could not be written), or the deadline. */
    async settle(deadline: number, quietMs = 500): Promise<void> {
      let last = progress;
      let lastMoved = Date.now();
      while (busy() && Date.now() < deadline && Date.now() - lastMoved < quietMs) {
        await new Promise((r) => setTimeout(r, 20));
        if (progress !== last) {
          last = progress;
          lastMoved = Date.now();
        }
      }
    },
  };
}
