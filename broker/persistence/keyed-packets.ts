import type Database from 'better-sqlite3';
import { QlobberTrue } from 'qlobber';
import { copyPacket, decodePacket, encodePacket, type PacketRow, type StoredPacket } from './packet-codec.js';
import { TOPIC_OPTIONS } from './subscriptions.js';

/** Retained messages: one per topic; an empty payload deletes it (MQTT 3.3.1.3). */
export class RetainedStore {
  private readonly put: Database.Statement<[string, string, Buffer]>;
  private readonly remove: Database.Statement<[string]>;
  private readonly all: Database.Statement<[]>;

  constructor(db: Database.Database) {
    this.put = db.prepare('INSERT OR REPLACE INTO retained (topic, meta, payload) VALUES (?, ?, ?)');
    this.remove = db.prepare('DELETE FROM retained WHERE topic = ?');
    this.all = db.prepare('SELECT topic, meta, payload FROM retained ORDER BY topic');
  }

  store(packet: { topic: string; payload?: Buffer | string }): void {
    if (!packet.payload || packet.payload.length === 0) this.remove.run(packet.topic);
    else {
      const { meta, payload } = encodePacket(packet);
      this.put.run(packet.topic, meta, payload);
    }
  }

  *matching(patterns: string[]): Generator<StoredPacket> {
    const rows = this.all.all() as (PacketRow & { topic: string })[];
    for (const pattern of patterns) {
      const filter = new QlobberTrue(TOPIC_OPTIONS);
      filter.add(pattern);
      for (const row of rows) if (filter.test(row.topic)) yield decodePacket(row);
    }
  }
}

/** Incoming QoS 2 packets waiting for their PUBREL, by client and packet id. */
export class IncomingStore {
  private readonly put: Database.Statement<[string, number, string, Buffer]>;
  private readonly one: Database.Statement<[string, number]>;
  private readonly remove: Database.Statement<[string, number]>;
  private readonly removeClient: Database.Statement<[string]>;
  /** Clients with a row: a clean login (every one of a login storm) then costs no DELETE. */
  private readonly clients: Set<string>;

  constructor(db: Database.Database) {
    this.clients = new Set(
      (db.prepare('SELECT DISTINCT client_id FROM incoming').all() as { client_id: string }[]).map((r) => r.client_id),
    );
    this.put = db.prepare('INSERT OR REPLACE INTO incoming (client_id, message_id, meta, payload) VALUES (?, ?, ?, ?)');
    this.one = db.prepare('SELECT meta, payload FROM incoming WHERE client_id = ? AND message_id = ?');
    this.remove = db.prepare('DELETE FROM incoming WHERE client_id = ? AND message_id = ?');
    this.removeClient = db.prepare('DELETE FROM incoming WHERE client_id = ?');
  }

  store(clientId: string, packet: StoredPacket & { messageId: number }): void {
    const copy = copyPacket(packet);
    copy.messageId = packet.messageId;
    const { meta, payload } = encodePacket(copy);
    this.put.run(clientId, packet.messageId, meta, payload);
    this.clients.add(clientId);
  }

  get(clientId: string, messageId: number): StoredPacket | undefined {
    if (!this.clients.has(clientId)) return undefined;
    const row = this.one.get(clientId, messageId) as PacketRow | undefined;
    return row && decodePacket(row);
  }

  delete(clientId: string, messageId: number): boolean {
    if (!this.clients.has(clientId)) return false;
    return this.remove.run(clientId, messageId).changes > 0;
  }

  clean(clientId: string): void {
    if (!this.clients.delete(clientId)) return;
    this.removeClient.run(clientId);
  }
}

/** Last wills, kept so a will survives the broker that held it (published by the next one). */
export class WillStore {
  private readonly put: Database.Statement<[string, string, string, Buffer]>;
  private readonly one: Database.Statement<[string]>;
  private readonly remove: Database.Statement<[string]>;
  private readonly all: Database.Statement<[]>;
  /** Clients with a stored will: a login without one then costs no lookup. */
  private readonly clients: Set<string>;

  constructor(db: Database.Database) {
    this.clients = new Set(
      (db.prepare('SELECT client_id FROM wills').all() as { client_id: string }[]).map((r) => r.client_id),
    );
    this.put = db.prepare('INSERT OR REPLACE INTO wills (client_id, broker_id, meta, payload) VALUES (?, ?, ?, ?)');
    this.one = db.prepare('SELECT meta, payload FROM wills WHERE client_id = ?');
    this.remove = db.prepare('DELETE FROM wills WHERE client_id = ?');
    this.all = db.prepare('SELECT broker_id, meta, payload FROM wills');
  }

  store(clientId: string, brokerId: string, packet: object): void {
    const { meta, payload } = encodePacket(packet);
    this.put.run(clientId, brokerId, meta, payload);
    this.clients.add(clientId);
  }

  get(clientId: string): StoredPacket | undefined {
    if (!this.clients.has(clientId)) return undefined;
    const row = this.one.get(clientId) as PacketRow | undefined;
    return row && decodePacket(row);
  }

  delete(clientId: string): StoredPacket | undefined {
    const will = this.get(clientId);
    if (will) this.remove.run(clientId);
    this.clients.delete(clientId);
    return will;
  }

  /** Wills of brokers not in `alive` (their broker is gone: someone must publish them). */
  *orphans(alive: Record<string, unknown>): Generator<StoredPacket> {
    for (const row of this.all.all() as (PacketRow & { broker_id: string })[])
      if (!alive[row.broker_id]) yield decodePacket(row);
  }
}
