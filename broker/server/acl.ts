import { ANONYMOUS, type Role } from './users.js';

/**
 * Who may publish or subscribe where. Pure functions over MQTT topic filters; the broker hooks in
 * auth.ts call `decide` for every PUBLISH and every SUBSCRIBE filter.
 */
export type Action = 'publish' | 'subscribe';

export interface AclRule {
  user: string;
  action: Action | 'both';
  /** An MQTT topic filter (+ and # allowed). */
  topic: string;
  allow: boolean;
}

export interface Principal {
  user: string;
  role: Role;
  /** A client let in without a user name (its `user` is then "anonymous"). */
  anonymous?: boolean;
}

export interface Decision {
  allowed: boolean;
  reason: string;
}

/** A grant of every topic the specification allows, `$`-topics included (`#` leaves them out). */
export const ANY_TOPIC = '<any topic>';

/** Topics no client may publish or subscribe to: the broker's own ($SYS, session-owner records). */
export const RESERVED_PREFIXES = ['$SYS/', '$tidegate/'];

/** True when every topic that `filter` matches is also matched by `pattern`. */
export function filterWithin(filter: string, pattern: string): boolean {
  if (pattern === ANY_TOPIC) return true;
  const f = filter.split('/');
  const p = pattern.split('/');
  for (let i = 0; i < p.length; i++) {
    const pl = p[i] as string;
    if (pl === '#') return !(i === 0 && f[0]?.startsWith('$'));
    const fl = f[i];
    if (fl === undefined || fl === '#') return false;
    if (pl === '+') {
      if (i === 0 && fl.startsWith('$')) return false;
      continue;
    }
    if (fl !== pl) return false;
  }
  return f.length === p.length;
}

/** True when some topic is matched by both filters. */
export function filtersOverlap(a: string, b: string): boolean {
  if (a === ANY_TOPIC || b === ANY_TOPIC) return true;
  // A wildcard in the first level never matches a $-topic (MQTT-4.7.2-1).
  if (a.startsWith('$') !== b.startsWith('$') && /^[+#]/.test(a.startsWith('$') ? b : a)) return false;
  const x = a.split('/');
  const y = b.split('/');
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const xl = x[i];
    const yl = y[i];
    if (xl === '#' || yl === '#') return true;
    if (xl === undefined || yl === undefined) return false;
    if (xl === '+' || yl === '+' || xl === yl) continue;
    return false;
  }
  return true;
}

/** The topic filters a role grants by itself, before per-user rules. */
export function roleGrants(principal: Principal, prefix: string): Record<Action, string[]> {
  const p = prefix;
  switch (principal.role) {
    case 'gateway': {
      const own = `${p}/${principal.user}`;
      return { publish: [`${own}/data/+`, `${own}/status`, `${own}/events`], subscribe: [`${own}/command`] };
    }
    case 'ingestor':
      return { publish: [`${p}/_ingest/#`], subscribe: [`${p}/+/data/+`] };
    case 'operator':
      return { publish: [], subscribe: [ANY_TOPIC] };
    case 'admin':
      return { publish: [ANY_TOPIC], subscribe: [ANY_TOPIC] };
  }
}

/** The per-user rules that concern this principal (`user: anonymous` targets every anonymous client). */
export function rulesFor(principal: Principal, rules: AclRule[]): AclRule[] {
  return rules.filter((r) => r.user === principal.user || (r.user === ANONYMOUS && principal.anonymous === true));
}

/**
 * For one topic (a PUBLISH, or a message about to be delivered): per-user deny rules win, then
 * per-user allow rules, then the role's grants.
 */
export function decide(
  principal: Principal,
  action: Action,
  topic: string,
  rules: AclRule[],
  prefix: string,
): Decision {
  if (RESERVED_PREFIXES.some((r) => topic.startsWith(r)) && !(action === 'subscribe' && topic.startsWith('$SYS/')))
    return { allowed: false, reason: `${topic.split('/')[0]}/ is reserved to the broker` };
  const mine = rulesFor(principal, rules).filter((r) => r.action === action || r.action === 'both');
  for (const r of mine)
    if (!r.allow && filtersOverlap(topic, r.topic))
      return { allowed: false, reason: `denied by rule ${r.action} ${r.topic} for ${r.user}` };
  for (const r of mine)
    if (r.allow && filterWithin(topic, r.topic))
      return { allowed: true, reason: `allowed by rule ${r.action} ${r.topic}` };
  const grants = roleGrants(principal, prefix)[action];
  if (grants.some((g) => filterWithin(topic, g))) return { allowed: true, reason: `role ${principal.role}` };
  return { allowed: false, reason: `role ${principal.role} may not ${action} ${topic}` };
}

/**
 * For a SUBSCRIBE filter, as Mosquitto's ACL does: a filter the account may receive only part of is
 * granted and what it may not receive is filtered out on delivery (`filtered`); only a filter from
 * which it may never receive anything is refused (0x80).
 */
export function subscribeVerdict(
  principal: Principal,
  filter: string,
  rules: AclRule[],
  prefix: string,
): { verdict: 'granted' | 'filtered' | 'refused'; reason: string } {
  if (filter.startsWith('$tidegate/')) return { verdict: 'refused', reason: '$tidegate/ is reserved to the broker' };
  const mine = rulesFor(principal, rules).filter((r) => r.action === 'subscribe' || r.action === 'both');
  const denies = mine.filter((r) => !r.allow);
  const denied = denies.find((r) => filterWithin(filter, r.topic));
  if (denied)
    return { verdict: 'refused', reason: `denied by rule ${denied.action} ${denied.topic} for ${denied.user}` };
  const allows = [...mine.filter((r) => r.allow).map((r) => r.topic), ...roleGrants(principal, prefix).subscribe];
  const whole = allows.some((a) => filterWithin(filter, a));
  if (whole && !denies.some((r) => filtersOverlap(filter, r.topic)))
    return { verdict: 'granted', reason: `role ${principal.role}` };
  if (whole || allows.some((a) => filtersOverlap(filter, a)))
    return { verdict: 'filtered', reason: 'granted; what the account may not read is filtered out on delivery' };
  return { verdict: 'refused', reason: `role ${principal.role} may not read anything matching ${filter}` };
}

/**
 * Why a PUBLISH topic is not acceptable, or undefined. MQTT itself only forbids an empty topic,
 * wildcards and U+0000 (4.7.3, 1.5.3); empty levels and bad ids are the gateway contract's rules, so
 * they apply under the prefix only (`/TopicA` is a valid MQTT topic).
 */
export function publishTopicProblem(topic: string, prefix: string, idProblem: (id: string) => string | undefined) {
  if (topic.length === 0) return 'empty topic';
  if (/[+#]/.test(topic)) return 'wildcard in a PUBLISH topic';
  if (topic.includes('\u0000')) return 'U+0000 in a topic';
  if (topic.startsWith(`${prefix}/`)) {
    if (topic.split('/').some((l) => l.length === 0)) return 'empty topic level';
    const [gateway, kind, device] = topic.slice(prefix.length + 1).split('/');
    if (gateway !== '_ingest') {
      const p = idProblem(gateway ?? '');
      if (p) return p;
      if (kind === 'data' && device !== undefined) return idProblem(device);
    }
  }
  return undefined;
}
