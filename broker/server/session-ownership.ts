import type { Client } from 'aedes';
import type { Role } from './users.js';

/**
 * Who may use which client id. A persistent session belongs to the account that created it: the owner
 * is recorded in the session itself, as a subscription to `$tidegate/session-owner/<user>` that no one
 * can publish to, so the record lives wherever the sessions live (memory, Redis, SQLite) and survives a
 * restart with them. aedes would otherwise hand a resumed session (and its queued messages) to anyone
 * presenting the client id, and a client id in use to whoever connects last (kicking the holder and
 * firing its will).
 */
export const OWNER_TOPIC = '$tidegate/session-owner/';

export interface SessionStore {
  subscriptionsByClient(client: { id: string }): Promise<{ topic: string }[] | null>;
  addSubscriptions(client: { id: string }, subs: { topic: string; qos: number }[]): Promise<unknown>;
}

export interface ClientIdRules {
  prefix: string;
  /** Client ids only these roles may take (the durable sessions: the ingestor's). */
  reserved: Map<string, Role[]>;
  accountExists(name: string): boolean;
  /** The account of the live connection holding this client id, if any. */
  liveUser(clientId: string): string | undefined;
}

export class SessionOwnership {
  /** Client ids being authenticated, and for whom, so two accounts cannot race for one id. */
  private readonly pending = new Map<string, { user: string; client: Client }>();

  constructor(
    private readonly store: SessionStore,
    private readonly rules: ClientIdRules,
  ) {}

  /** Why `user` may not take `client.id` now, or undefined (then the id is held until `release`). */
  async problem(client: Client, user: string, role: Role): Promise<string | undefined> {
    const id = client.id;
    const reserved = this.rules.reserved.get(id);
    if (reserved && !reserved.includes(role)) return `client id is reserved for ${reserved.join('/')}`;
    const named = id.startsWith(`${this.rules.prefix}-`) ? id.slice(this.rules.prefix.length + 1) : undefined;
    if (named !== undefined && named !== user && this.rules.accountExists(named))
      return `client id ${this.rules.prefix}-<account> belongs to account ${named}`;
    const holder = this.rules.liveUser(id) ?? this.pending.get(id)?.user;
    if (holder !== undefined && holder !== user) return 'client id is in use by another account';
    this.pending.set(id, { user, client });
    const owner = await this.ownerOf(id);
    if (owner !== undefined && owner !== user) {
      this.release(client);
      return 'the persistent session of this client id belongs to another account';
    }
    return undefined;
  }

  release(client: Client): void {
    if (this.pending.get(client.id)?.client === client) this.pending.delete(client.id);
  }

  async ownerOf(clientId: string): Promise<string | undefined> {
    const subs = (await this.store.subscriptionsByClient({ id: clientId })) ?? [];
    return subs.find((s) => s.topic.startsWith(OWNER_TOPIC))?.topic.slice(OWNER_TOPIC.length);
  }

  /** Records `user` as the owner of the persistent session `clientId`. */
  claim(clientId: string, user: string): Promise<unknown> {
    return this.store.addSubscriptions({ id: clientId }, [{ topic: `${OWNER_TOPIC}${user}`, qos: 0 }]);
  }
}
