import type { Role } from './users.js';

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
}

export interface Decision {
  allowed: boolean;
  reason: string;
}

/** True when every topic that `filter` matches is also matched by `pattern`. */
export function filterWithin(filter: string, pattern: string): boolean {
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
      return { publish: [], subscribe: ['#', '$SYS/#'] };
    case 'admin':
      return { publish: ['#'], subscribe: ['#', '$SYS/#'] };
  }
}

/**
 * Per-user deny rules win, then per-user allow rules, then the role's grants. For a subscription a
 * deny rule applies as soon as the filter overlaps it; an allow rule or grant must contain the filter.
 */
export function decide(
  principal: Principal,
  action: Action,
  topic: string,
  rules: AclRule[],
  prefix: string,
): Decision {
  const mine = rules.filter((r) => r.user === principal.user && (r.action === action || r.action === 'both'));
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

/** Why a PUBLISH topic is not sane (wildcards, empty levels, bad ids under the prefix), or undefined. */
export function publishTopicProblem(topic: string, prefix: string, idProblem: (id: string) => string | undefined) {
  if (topic.length === 0) return 'empty topic';
  if (/[+#]/.test(topic)) return 'wildcard in a PUBLISH topic';
  if (topic.split('/').some((l) => l.length === 0)) return 'empty topic level';
  if (topic.startsWith(`${prefix}/`)) {
    const [gateway, kind, device] = topic.slice(prefix.length + 1).split('/');
    if (gateway !== '_ingest') {
      const p = idProblem(gateway ?? '');
      if (p) return p;
      if (kind === 'data' && device !== undefined) return idProblem(device);
    }
  }
  return undefined;
}
