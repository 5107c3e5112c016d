import { idProblem } from '../../wire/index.js';
import { type AclRule, decide, type Principal, publishTopicProblem, rulesFor, subscribeVerdict } from './acl.js';

/** Per-connection ACL answers, cached per topic (a gateway publishes to a handful, the ingestor reads many). */
export class Permissions {
  private readonly rules: AclRule[];
  private readonly published = new Map<string, string | null>();
  private readonly readable = new Map<string, boolean>();

  constructor(
    readonly principal: Principal,
    rules: AclRule[],
    private readonly prefix: string,
  ) {
    this.rules = rulesFor(principal, rules);
  }

  /** Why this PUBLISH topic is refused, or null. */
  publish(topic: string): string | null {
    let verdict = this.published.get(topic);
    if (verdict === undefined) {
      const problem = publishTopicProblem(topic, this.prefix, (id) => idProblem(id));
      const decision = problem ? undefined : decide(this.principal, 'publish', topic, this.rules, this.prefix);
      verdict = problem ? `topic: ${problem}` : decision?.allowed ? null : `acl: ${decision?.reason}`;
      remember(this.published, topic, verdict);
    }
    return verdict;
  }

  subscribe(filter: string): ReturnType<typeof subscribeVerdict> {
    return subscribeVerdict(this.principal, filter, this.rules, this.prefix);
  }

  /**
   * Whether a message on this topic may be delivered to this connection (aedes `authorizeForward`):
   * every live, retained and queued message, since a wildcard grant may cover more than the account
   * may read, and a resumed session's queue was filled under earlier subscriptions.
   */
  receive(topic: string): boolean {
    let ok = this.readable.get(topic);
    if (ok === undefined) {
      ok = decide(this.principal, 'subscribe', topic, this.rules, this.prefix).allowed;
      remember(this.readable, topic, ok);
    }
    return ok;
  }
}

function remember<V>(cache: Map<string, V>, key: string, value: V): void {
  if (cache.size >= 10_000) cache.clear();
  cache.set(key, value);
}
