import type { Aedes, AuthenticateError, Client, Connection } from 'aedes';
import type { Logger } from 'pino';
import { idProblem } from '../../wire/index.js';
import { type AclRule, decide, type Principal, publishTopicProblem } from './acl.js';
import type { BrokerMetrics } from './metrics.js';
import { type Role, type UserDirectory, verifyPassword } from './users.js';

export interface AuthSettings {
  prefix: string;
  users: UserDirectory;
  rules: AclRule[];
  maxPayloadBytes: number;
  maxConnectionsPerUser: number;
  /** Client ids no one but these roles may take (a gateway must not take over the ingestor's session). */
  reservedClientIds: Map<string, Role[]>;
}

/** Which listener a connection came in on, and the role it grants to clients without a user name. */
export const anonymousRoleOf = new WeakMap<Connection, Role | false>();

function authError(message: string, returnCode: 4 | 5): AuthenticateError {
  return Object.assign(new Error(message), { returnCode }) as AuthenticateError;
}

/** Installs authenticate / authorizePublish / authorizeSubscribe on an aedes instance. */
export function installAuth(broker: Aedes, settings: AuthSettings, metrics: BrokerMetrics, log: Logger): void {
  const principals = new WeakMap<Client, Principal>();
  /** Per connection, the verdict on each topic it published to (gateways publish to a handful). */
  const verdicts = new WeakMap<Client, Map<string, string | null>>();
  const publishVerdict = (principal: Principal, topic: string): string | null => {
    const problem = publishTopicProblem(topic, settings.prefix, (id) => idProblem(id));
    if (problem) return `topic ${problem}`;
    const decision = decide(principal, 'publish', topic, settings.rules, settings.prefix);
    return decision.allowed ? null : `acl: ${decision.reason}`;
  };
  /** user name → client ids connected under it */
  const connected = new Map<string, Set<string>>();

  broker.on('clientReady', (client) => {
    const p = principals.get(client);
    if (!p) return;
    const ids = connected.get(p.user) ?? new Set<string>();
    connected.set(p.user, ids);
    ids.add(client.id);
  });
  broker.on('clientDisconnect', (client) => {
    const p = principals.get(client);
    if (p) connected.get(p.user)?.delete(client.id);
  });

  broker.authenticate = (client, username, password, done) => {
    const refuse = (reason: string, code: 4 | 5) => {
      metrics.connectionsRefused.inc({ reason: code === 4 ? 'bad_credentials' : 'not_authorized' });
      log.warn({ clientId: client.id, user: username, reason }, 'connection refused');
      done(authError(reason, code), false);
    };
    const admit = (principal: Principal) => {
      const reserved = settings.reservedClientIds.get(client.id);
      if (reserved && !reserved.includes(principal.role))
        return refuse(`client id ${client.id} is reserved for ${reserved.join('/')}`, 5);
      const ids = connected.get(principal.user);
      if (ids && !ids.has(client.id) && ids.size >= settings.maxConnectionsPerUser)
        return refuse(`${principal.user} already has ${ids.size} connections (limits.maxConnectionsPerUser)`, 5);
      principals.set(client, principal);
      metrics.connectionsAccepted.inc({ role: principal.role });
      done(null, true);
    };
    if (username === undefined || username === '') {
      const role = anonymousRoleOf.get(client.conn) ?? false;
      if (role === false) return refuse('anonymous access is not enabled on this listener', 5);
      return admit({ user: `anonymous:${client.id}`, role });
    }
    const account = settings.users.get(username);
    if (!account || !password) return refuse('unknown user or wrong password', 4);
    verifyPassword(password.toString('utf8'), account.password).then(
      (ok) => (ok ? admit({ user: account.name, role: account.role }) : refuse('unknown user or wrong password', 4)),
      (e: Error) => refuse(`password check failed: ${e.message}`, 4),
    );
  };

  broker.authorizePublish = (client, packet, done) => {
    if (!client) return done(null); // the broker's own messages
    const principal = principals.get(client);
    const deny = (reason: string) => {
      metrics.publishDenied.inc({ reason: reason.split(' ')[0] ?? 'acl' });
      log.warn({ clientId: client.id, user: principal?.user, topic: packet.topic, reason }, 'publish denied');
      // MQTT 3.1.1 has no negative PUBACK: aedes drops the message and closes the connection.
      done(new Error(reason));
    };
    if (!principal) return deny('not authenticated');
    if (packet.payload.length > settings.maxPayloadBytes)
      return deny(`payload of ${packet.payload.length} bytes exceeds limits.maxPayloadBytes`);
    const cache = verdicts.get(client) ?? new Map<string, string | null>();
    verdicts.set(client, cache);
    let verdict = cache.get(packet.topic);
    if (verdict === undefined) {
      verdict = publishVerdict(principal, packet.topic);
      if (cache.size >= 1000) cache.clear();
      cache.set(packet.topic, verdict);
    }
    if (verdict !== null) return deny(verdict);
    done(null);
  };

  broker.authorizeSubscribe = (client, subscription, done) => {
    const principal = principals.get(client);
    const decision = principal
      ? decide(principal, 'subscribe', subscription.topic, settings.rules, settings.prefix)
      : { allowed: false, reason: 'not authenticated' };
    if (decision.allowed) return done(null, subscription);
    metrics.subscribeDenied.inc();
    log.warn({ clientId: client.id, user: principal?.user, filter: subscription.topic }, decision.reason);
    done(null, null); // SUBACK 0x80 for this filter; the connection stays
  };
}
