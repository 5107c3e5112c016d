import type Database from 'better-sqlite3';
import QlobberSub, { type TrieSubscription } from 'qlobber/aedes/qlobber-sub.js';

export const TOPIC_OPTIONS = { wildcard_one: '+', wildcard_some: '#', separator: '/' };

export interface Subscription {
  topic: string;
  qos: number;
  rh?: number;
  rap?: number;
  nl?: boolean | number;
  subscriptionIdentifier?: number;
}

type Options = Omit<Subscription, 'topic'>;

/**
 * Persistent sessions' subscriptions: rows in SQLite, and the same in a topic trie in memory (loaded
 * at start) because every QoS 1 PUBLISH asks which sessions it is for.
 */
export class SubscriptionStore {
  private readonly trie = new QlobberSub(TOPIC_OPTIONS);
  private readonly byClient = new Map<string, Map<string, Options>>();
  private readonly upsert: Database.Statement<[string, string, string]>;
  private readonly remove: Database.Statement<[string, string]>;
  private readonly removeClient: Database.Statement<[string]>;

  constructor(private readonly db: Database.Database) {
    this.upsert = db.prepare('INSERT OR REPLACE INTO subscriptions (client_id, topic, options) VALUES (?, ?, ?)');
    this.remove = db.prepare('DELETE FROM subscriptions WHERE client_id = ? AND topic = ?');
    this.removeClient = db.prepare('DELETE FROM subscriptions WHERE client_id = ?');
    const rows = db.prepare('SELECT client_id, topic, options FROM subscriptions').all() as {
      client_id: string;
      topic: string;
      options: string;
    }[];
    for (const row of rows) this.remember(row.client_id, row.topic, JSON.parse(row.options) as Options);
  }

  add(clientId: string, subs: Subscription[]): void {
    this.db.transaction(() => {
      for (const { topic, ...options } of subs) {
        const record: Options = { qos: options.qos, rh: options.rh, rap: options.rap, nl: options.nl };
        // MQTT 5's identifier is kept for the client's own list, never in the trie (as aedes-persistence).
        if (options.subscriptionIdentifier !== undefined)
          record.subscriptionIdentifier = options.subscriptionIdentifier;
        this.upsert.run(clientId, topic, JSON.stringify(record));
        this.remember(clientId, topic, record);
      }
    })();
  }

  removeTopics(clientId: string, topics: string[]): void {
    const stored = this.byClient.get(clientId);
    if (!stored) return;
    this.db.transaction(() => {
      for (const topic of topics) {
        const sub = stored.get(topic);
        if (sub === undefined) continue;
        if (sub.qos > 0) this.trie.remove(topic, { clientId, topic });
        stored.delete(topic);
        this.remove.run(clientId, topic);
      }
    })();
    if (stored.size === 0) this.byClient.delete(clientId);
  }

  clean(clientId: string): void {
    const stored = this.byClient.get(clientId);
    if (!stored) return;
    for (const [topic, sub] of stored) if (sub.qos > 0) this.trie.remove(topic, { clientId, topic });
    this.byClient.delete(clientId);
    this.removeClient.run(clientId);
  }

  ofClient(clientId: string): Subscription[] {
    return [...(this.byClient.get(clientId) ?? [])].map(([topic, options]) => ({ topic, ...options }));
  }

  /** The QoS > 0 subscriptions a message on `topic` is for, one per client. */
  matching(topic: string): TrieSubscription[] {
    return this.trie.match(topic);
  }

  clientsOf(topic: string): string[] {
    return [...this.byClient].filter(([, subs]) => subs.has(topic)).map(([clientId]) => clientId);
  }

  count(): { subsCount: number; clientsCount: number } {
    return { subsCount: this.trie.subscriptionsCount, clientsCount: this.byClient.size };
  }

  private remember(clientId: string, topic: string, options: Options): void {
    let stored = this.byClient.get(clientId);
    if (!stored) {
      stored = new Map();
      this.byClient.set(clientId, stored);
    }
    const previous = stored.get(topic);
    if (options.qos > 0)
      this.trie.add(topic, { clientId, topic, qos: options.qos, rh: options.rh, rap: options.rap, nl: options.nl });
    else if (previous && previous.qos > 0) this.trie.remove(topic, { clientId, topic });
    stored.set(topic, options);
  }
}
