import { Readable } from 'node:stream';
import type Database from 'better-sqlite3';
import { openSessionDatabase, type SyncMode } from './database.js';
import { IncomingStore, RetainedStore, WillStore } from './keyed-packets.js';
import { OutgoingQueue } from './outgoing.js';
import type { StoredPacket } from './packet-codec.js';
import { type Subscription, SubscriptionStore } from './subscriptions.js';

export interface SqlitePersistenceOptions {
  /** The SQLite file (created with its folder); ':memory:' for tests. */
  path: string;
  sync?: SyncMode;
}

type Client = { id: string };
type Packet = StoredPacket & { topic: string; messageId?: number; brokerId: string; brokerCounter: number };

/**
 * An aedes persistence on one SQLite file: sessions, their queued messages, retained messages and
 * wills survive the broker process. It passes aedes-persistence's abstract suite
 * (sqlite-persistence.test.ts). Every method has written and committed before its promise resolves
 * (better-sqlite3 is synchronous), which is what lets store-before-ack.ts acknowledge safely.
 */
export class SqlitePersistence {
  private db: Database.Database | undefined;
  private parts:
    | {
        subs: SubscriptionStore;
        outgoing: OutgoingQueue;
        incoming: IncomingStore;
        retained: RetainedStore;
        wills: WillStore;
      }
    | undefined;
  private broker: { id: string } | undefined;
  private destroyed = false;

  constructor(private readonly options: SqlitePersistenceOptions) {}

  async setup(broker: { id: string }): Promise<void> {
    this.broker = broker;
    const db = openSessionDatabase(this.options.path, this.options.sync ?? 'normal');
    this.db = db;
    this.parts = {
      subs: new SubscriptionStore(db),
      outgoing: new OutgoingQueue(db),
      incoming: new IncomingStore(db),
      retained: new RetainedStore(db),
      wills: new WillStore(db),
    };
  }

  private get p() {
    if (!this.parts) throw new Error('SQLite persistence used before setup() or after destroy()');
    return this.parts;
  }

  async storeRetained(packet: Packet): Promise<void> {
    this.p.retained.store(packet);
  }

  createRetainedStream(pattern: string): Readable {
    return Readable.from(this.p.retained.matching([pattern]));
  }

  createRetainedStreamCombi(patterns: string[]): Readable {
    return Readable.from(this.p.retained.matching(patterns));
  }

  async addSubscriptions(client: Client, subs: Subscription[]): Promise<void> {
    this.p.subs.add(client.id, subs);
  }

  async removeSubscriptions(client: Client, topics: string[]): Promise<void> {
    this.p.subs.removeTopics(client.id, topics);
  }

  async subscriptionsByClient(client: Client): Promise<Subscription[]> {
    return this.p.subs.ofClient(client.id);
  }

  async countOffline(): Promise<{ subsCount: number; clientsCount: number }> {
    return this.p.subs.count();
  }

  async subscriptionsByTopic(topic: string) {
    return this.p.subs.matching(topic);
  }

  async cleanSubscriptions(client: Client): Promise<void> {
    this.p.subs.clean(client.id);
  }

  async outgoingEnqueue(sub: { clientId: string }, packet: Packet): Promise<void> {
    this.p.outgoing.enqueue([sub.clientId], packet);
  }

  async outgoingEnqueueCombi(subs: { clientId: string }[], packet: Packet): Promise<void> {
    this.p.outgoing.enqueue(
      subs.map((s) => s.clientId),
      packet,
    );
  }

  async outgoingUpdate(client: Client, packet: Packet): Promise<void> {
    if (!this.p.outgoing.update(client, packet)) throw new Error('no such packet');
  }

  async outgoingClearMessageId(client: Client, packet: { messageId: number }) {
    return this.p.outgoing.clear(client, packet.messageId);
  }

  outgoingStream(client: Client): Readable {
    return Readable.from(this.p.outgoing.stream(client.id));
  }

  /** Forgets what was queued for a session that is ended (not part of aedes' persistence API). */
  dropQueue(clientId: string): void {
    this.p.outgoing.drop(clientId);
  }

  /** How many messages wait for a client's acknowledgement (for /health). */
  queued(clientId: string): number {
    return this.p.outgoing.size(clientId);
  }

  async incomingStorePacket(client: Client, packet: Packet & { messageId: number }): Promise<void> {
    this.p.incoming.store(client.id, packet);
  }

  async incomingGetPacket(client: Client, packet: { messageId: number }) {
    const found = this.p.incoming.get(client.id, packet.messageId);
    if (!found) throw new Error('no such packet');
    return found;
  }

  async incomingDelPacket(client: Client, packet: { messageId: number }): Promise<void> {
    if (!this.p.incoming.delete(client.id, packet.messageId)) throw new Error('no such packet');
  }

  async cleanIncoming(client: Client): Promise<void> {
    this.p.incoming.clean(client.id);
  }

  async putWill(client: Client, packet: Packet & { clientId?: string }): Promise<void> {
    packet.brokerId = this.broker!.id;
    packet.clientId = client.id;
    this.p.wills.store(client.id, packet.brokerId, packet);
  }

  async getWill(client: Client) {
    return this.p.wills.get(client.id);
  }

  async delWill(client: Client) {
    return this.p.wills.delete(client.id);
  }

  streamWill(brokers: Record<string, unknown> = {}): Readable {
    return Readable.from(this.p.wills.orphans(brokers));
  }

  getClientList(topic: string): Readable {
    return Readable.from(this.p.subs.clientsOf(topic));
  }

  async destroy(): Promise<void> {
    if (this.destroyed) throw new Error('destroyed called twice!');
    this.destroyed = true;
    this.parts = undefined;
    this.db?.close();
  }
}
