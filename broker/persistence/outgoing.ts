import type Database from 'better-sqlite3';
import { copyPacket, decodePacket, encodePacket, type PacketRow } from './packet-codec.js';

interface OutgoingPacket {
  brokerId?: string;
  brokerCounter?: number;
  messageId?: number | null;
}

interface Row extends PacketRow {
  seq: number;
  message_id: number | null;
}

const PAGE = 500;

/**
 * Messages queued for persistent sessions, in the order they came. A row stays until its client
 * acknowledges it (outgoingClearMessageId), whether the client was online or not.
 *
 * Each client connection that gives a row a packet id marks it: a PUBACK clears a row of that same
 * connection. Rows a previous connection had sent keep their old ids until resent, and a new
 * connection may reuse such an id for a live message; clearing by id alone would then delete the
 * waiting row instead of the one just acknowledged, and it would never be delivered.
 */
export class OutgoingQueue {
  private readonly connections = new WeakMap<object, number>();
  /**
   * Rows per client id, kept beside the table: most deliveries and PUBACKs are for clean sessions,
   * which never have a row, and answering them from here saves two SQLite lookups per QoS 1 message.
   */
  private readonly rowsOf = new Map<string, number>();
  private nextConnection = 1;
  private readonly insert: Database.Statement<unknown[]>;
  private readonly byPacket: Database.Statement<[string, string, number]>;
  private readonly byMessageFromOtherBroker: Database.Statement<[string, number, string]>;
  private readonly setMessageId: Database.Statement<[number | null, number | null, number]>;
  private readonly replace: Database.Statement<unknown[]>;
  private readonly ofConnection: Database.Statement<[string, number, number]>;
  private readonly anyWithId: Database.Statement<[string, number]>;
  private readonly remove: Database.Statement<[number]>;
  private readonly page: Database.Statement<[string, number, number]>;
  private readonly last: Database.Statement<[string]>;
  private readonly countAll: Database.Statement<[string]>;

  constructor(private readonly db: Database.Database) {
    this.insert = db.prepare(
      'INSERT INTO outgoing (client_id, broker_id, broker_counter, meta, payload) VALUES (?, ?, ?, ?, ?)',
    );
    this.byPacket = db.prepare(
      'SELECT seq FROM outgoing WHERE client_id = ? AND broker_id = ? AND broker_counter = ? ORDER BY seq LIMIT 1',
    );
    this.byMessageFromOtherBroker = db.prepare(
      'SELECT seq FROM outgoing WHERE client_id = ? AND message_id = ? AND broker_id <> ? ORDER BY seq LIMIT 1',
    );
    this.setMessageId = db.prepare('UPDATE outgoing SET message_id = ?, connection = ? WHERE seq = ?');
    this.replace = db.prepare(
      'UPDATE outgoing SET broker_id = ?, broker_counter = ?, message_id = ?, connection = ?, meta = ?, payload = ? WHERE seq = ?',
    );
    this.ofConnection = db.prepare(
      'SELECT seq, message_id, meta, payload FROM outgoing WHERE client_id = ? AND message_id = ? AND connection = ? ORDER BY seq LIMIT 1',
    );
    this.anyWithId = db.prepare(
      'SELECT seq, message_id, meta, payload FROM outgoing WHERE client_id = ? AND message_id = ? ORDER BY seq LIMIT 1',
    );
    this.remove = db.prepare('DELETE FROM outgoing WHERE seq = ?');
    this.page = db.prepare(
      'SELECT seq, message_id, meta, payload FROM outgoing WHERE client_id = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ' +
        PAGE,
    );
    this.last = db.prepare('SELECT MAX(seq) AS seq FROM outgoing WHERE client_id = ?');
    this.countAll = db.prepare('SELECT COUNT(*) AS n FROM outgoing WHERE client_id = ?');
    for (const { client_id, n } of db
      .prepare('SELECT client_id, COUNT(*) AS n FROM outgoing GROUP BY client_id')
      .all() as { client_id: string; n: number }[])
      this.rowsOf.set(client_id, n);
  }

  /** One transaction for all the sessions a message is for: stored for all of them, or for none. */
  enqueue(clientIds: string[], packet: OutgoingPacket): void {
    if (clientIds.length === 0) return;
    // Stored as aedes' memory persistence keeps it: a Packet copy, with no packet id yet.
    const stored = copyPacket(packet) as OutgoingPacket;
    const { meta, payload } = encodePacket(stored);
    this.db.transaction(() => {
      for (const id of clientIds) this.insert.run(id, stored.brokerId ?? '', stored.brokerCounter ?? 0, meta, payload);
    })();
    for (const id of clientIds) this.rowsOf.set(id, (this.rowsOf.get(id) ?? 0) + 1);
  }

  /** Records the packet id a message is being sent with; false when no such message is queued. */
  update(client: object & { id: string }, packet: OutgoingPacket): boolean {
    if (!this.rowsOf.get(client.id)) return false;
    const connection = this.connectionOf(client);
    const messageId = packet.messageId ?? null;
    const own =
      packet.brokerId === undefined || packet.brokerCounter === undefined
        ? undefined
        : (this.byPacket.get(client.id, packet.brokerId, packet.brokerCounter) as { seq: number } | undefined);
    if (own) {
      this.setMessageId.run(messageId, connection, own.seq);
      return true;
    }
    if (messageId === null) return false;
    // A PUBREL (QoS 2) or a message another broker sent with this id takes the row's place.
    const other = this.byMessageFromOtherBroker.get(client.id, messageId, packet.brokerId ?? '') as
      | { seq: number }
      | undefined;
    if (!other) return false;
    const { meta, payload } = encodePacket(packet);
    this.replace.run(packet.brokerId ?? '', packet.brokerCounter ?? 0, messageId, connection, meta, payload, other.seq);
    return true;
  }

  /** Removes the acknowledged message and answers it; undefined when there is none. */
  clear(client: object & { id: string }, messageId: number): Record<string, unknown> | undefined {
    if (!this.rowsOf.get(client.id)) return undefined;
    const connection = this.connections.get(client);
    const row = (
      connection === undefined
        ? this.anyWithId.get(client.id, messageId)
        : this.ofConnection.get(client.id, messageId, connection)
    ) as Row | undefined;
    if (!row) return undefined;
    this.remove.run(row.seq);
    const left = (this.rowsOf.get(client.id) ?? 1) - 1;
    if (left > 0) this.rowsOf.set(client.id, left);
    else this.rowsOf.delete(client.id);
    return toPacket(row);
  }

  /** What was queued for the client when asked, read page by page (a long queue is not loaded at once). */
  *stream(clientId: string): Generator<Record<string, unknown>> {
    if (!this.rowsOf.get(clientId)) return;
    const until = (this.last.get(clientId) as { seq: number | null }).seq;
    if (until === null) return;
    let after = 0;
    for (;;) {
      const rows = this.page.all(clientId, after, until) as Row[];
      for (const row of rows) yield toPacket(row);
      if (rows.length < PAGE) return;
      after = rows[rows.length - 1]!.seq;
    }
  }

  /** Forgets everything queued for a client (a session that is ended). */
  drop(clientId: string): void {
    this.db.prepare('DELETE FROM outgoing WHERE client_id = ?').run(clientId);
    this.rowsOf.delete(clientId);
  }

  size(clientId: string): number {
    if (!this.rowsOf.get(clientId)) return 0;
    return (this.countAll.get(clientId) as { n: number }).n;
  }

  private connectionOf(client: object): number {
    let n = this.connections.get(client);
    if (n === undefined) {
      n = this.nextConnection++;
      this.connections.set(client, n);
    }
    return n;
  }
}

function toPacket(row: Row): Record<string, unknown> {
  const packet = decodePacket(row);
  if (row.message_id !== null) packet.messageId = row.message_id;
  return packet;
}
