import type { MqttClient } from 'mqtt';

type Packet = { cmd: string; messageId?: number };
type SendPacket = (packet: Packet, cb?: (error?: Error) => void, ...rest: unknown[]) => void;

/**
 * Makes the messages handled in one turn of the event loop durable together (one SQLite transaction
 * instead of one per message) and sends their PUBACKs only after that commit: the ack-after-durable
 * rule holds for each message.
 *
 * mqtt.js hands messages over one at a time and sends a message's PUBACK as soon as its handler calls
 * back, before it hands over the next one. So the PUBACKs of held messages are kept back at mqtt.js'
 * `_sendPacket` (a private method: checked at start, and without it each message is committed alone)
 * and sent after the commit, in the order the messages came (MQTT 3.1.1 §4.6), on the same connection
 * only: after a reconnect the broker sends the unacknowledged messages again (replays are idempotent).
 */
export class GroupedCommit<T> {
  private items: T[] = [];
  private held: Packet[] = [];
  private scheduled = false;
  private connection = 0;
  private readonly send: SendPacket | undefined;

  constructor(
    private readonly client: MqttClient,
    /** Makes the items durable; throws when it could not (then no PUBACK is sent). */
    private readonly commit: (items: T[]) => void,
    private readonly onCommitError: (error: Error) => void,
  ) {
    const internals = client as unknown as { _sendPacket?: SendPacket };
    const original = internals._sendPacket;
    if (typeof original !== 'function') return;
    this.send = original.bind(client);
    internals._sendPacket = (packet, cb, ...rest) => {
      // While a group is open every PUBACK waits, so they leave in order.
      if (packet.cmd === 'puback' && this.scheduled) {
        this.held.push(packet);
        cb?.();
        return;
      }
      this.send!(packet, cb, ...rest);
    };
    client.on('close', () => {
      // Not acknowledged on this connection: the broker keeps these messages and sends them again.
      this.connection++;
      this.held = [];
    });
  }

  /**
   * Queues an item, committed at the next turn of the event loop; call before the message's handler
   * calls back. False when it was committed at once and that failed (then do not acknowledge).
   */
  add(item: T): boolean {
    if (!this.send) return this.commitNow([item]);
    this.items.push(item);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    return true;
  }

  private flush(): void {
    this.scheduled = false;
    const items = this.items;
    const acks = this.held;
    const connection = this.connection;
    this.items = [];
    this.held = [];
    if (items.length > 0 && !this.commitNow(items)) return;
    if (connection !== this.connection || !this.client.connected) return;
    for (const packet of acks) this.send!(packet);
  }

  private commitNow(items: T[]): boolean {
    try {
      this.commit(items);
      return true;
    } catch (e) {
      this.onCommitError(e as Error);
      return false;
    }
  }
}
