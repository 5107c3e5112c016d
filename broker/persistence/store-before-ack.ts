import type { Aedes, Client, PublishPacket } from 'aedes';

type Done = (error?: Error | null) => void;

/**
 * aedes writes a QoS 1 PUBACK before it stores or forwards the message (lib/handlers/publish.js:
 * `write(client, new PubAck(packet), …)` then `broker.publish`). The only step it runs before the
 * PUBACK is `authorizePublish`, so once a message is authorized this runs aedes' whole publish there
 * (retained store, queueing for every persistent session through `outgoingEnqueueCombi`, delivery
 * to the connected), and answers authorizePublish only when that has finished. aedes then writes the
 * PUBACK and calls `broker.publish` with the same packet object, which is skipped: it was done.
 *
 * With a persistence whose writes are durable when they resolve (sqlite-persistence.ts, or Redis with
 * `appendfsync always`), a gateway that gets a PUBACK has its message stored for every persistent
 * session. A publish that fails (disk full) answers the error: aedes closes the connection without a
 * PUBACK and the gateway sends the message again.
 */
export function storeBeforeAck(aedes: Aedes, onError: (error: Error, client: Client) => void): void {
  const done = new WeakSet<object>();
  const authorize: Aedes['authorizePublish'] = aedes.authorizePublish.bind(aedes);
  const publish = aedes.publish.bind(aedes) as unknown as (
    packet: PublishPacket,
    client: Client | null,
    cb: Done,
  ) => void;

  aedes.authorizePublish = (client, packet, callback) =>
    authorize(client, packet, (refused) => {
      if (refused || !client || packet.qos !== 1) return callback(refused);
      publish(packet, client, (error) => {
        if (error) {
          onError(error, client);
          return callback(error);
        }
        done.add(packet);
        callback(null);
      });
    });

  aedes.publish = ((packet: PublishPacket, client: Client | null | Done, cb?: Done) => {
    const callback = typeof client === 'function' ? client : cb;
    if (done.delete(packet)) return callback?.(null);
    return publish(packet, typeof client === 'function' ? null : client, callback ?? (() => {}));
  }) as unknown as Aedes['publish'];
}
