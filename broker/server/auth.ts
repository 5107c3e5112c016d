import type { Aedes, AuthenticateError, Client } from 'aedes';
import type { Logger } from 'pino';
import type { AclRule, Principal } from './acl.js';
import { connectionInfo } from './connection-info.js';
import { CredentialChecker, type CredentialLimits } from './credentials.js';
import { RefusalLog } from './log.js';
import type { BrokerMetrics } from './metrics.js';
import { Permissions } from './permissions.js';
import { OWNER_TOPIC, SessionOwnership, type SessionStore } from './session-ownership.js';
import { ANONYMOUS, type Role, type UserDirectory } from './users.js';

export interface AuthSettings extends CredentialLimits {
  prefix: string;
  users: UserDirectory;
  rules: AclRule[];
  maxPayloadBytes: number;
  maxConnectionsPerUser: number;
  /** All clients let in without a user name, together (they share the principal "anonymous"). */
  maxAnonymousConnections: number;
  /** Client ids no one but these roles may take (a gateway must not take over the ingestor's session). */
  reservedClientIds: Map<string, Role[]>;
}

type ReturnCode = 2 | 4 | 5;

function authError(message: string, returnCode: ReturnCode): AuthenticateError {
  return Object.assign(new Error(message), { returnCode }) as AuthenticateError;
}

/** The id problems MQTT itself refuses with CONNACK 2, or undefined. */
function clientIdProblem(client: Client, rawClientId: string | undefined): string | undefined {
  if (rawClientId === '' && !client.clean) return 'a zero-length client id needs clean session 1 (MQTT-3.1.3-8)';
  const facts = connectionInfo.get(client.conn)?.connectFacts();
  if (facts?.badClientId || client.id.includes('\u0000'))
    return 'client id is not well-formed UTF-8 or holds U+0000 (MQTT-1.5.3)';
  return undefined;
}

/** Installs authenticate / authorizePublish / authorizeSubscribe / authorizeForward on an aedes instance. */
export function installAuth(broker: Aedes, settings: AuthSettings, metrics: BrokerMetrics, log: Logger) {
  const refusals = new RefusalLog(log);
  const credentials = new CredentialChecker(settings.users, settings);
  const permissions = new WeakMap<Client, Permissions>();
  /** The account each connection logged in with (its hash), to notice a removal or a new password. */
  const logins = new WeakMap<Client, { name: string; role: Role; password: string } | null>();
  const rawClientIds = new WeakMap<Client, string>();
  /** user name → its live connections */
  const connected = new Map<string, Set<Client>>();
  const clients = () => (broker as unknown as { clients: Record<string, Client> }).clients;
  const store = (broker as unknown as { persistence: SessionStore }).persistence;
  const sessions = new SessionOwnership(store, {
    prefix: settings.prefix,
    reserved: settings.reservedClientIds,
    accountExists: (name) => settings.users.get(name) !== undefined,
    liveUser: (id) => {
      const c = clients()[id];
      return c ? permissions.get(c)?.principal.user : undefined;
    },
  });

  broker.on('clientReady', (client) => {
    sessions.release(client);
    const p = permissions.get(client)?.principal;
    if (!p) return;
    const set = connected.get(p.user) ?? new Set<Client>();
    connected.set(p.user, set);
    set.add(client);
    if (!client.clean)
      sessions.claim(client.id, p.user).catch((e: Error) => log.error({ err: e.message }, 'session owner not stored'));
  });
  broker.on('clientDisconnect', (client) => {
    const p = permissions.get(client)?.principal;
    if (p) connected.get(p.user)?.delete(client);
  });

  broker.preConnect = (client, packet, done) => {
    rawClientIds.set(client, packet.clientId);
    done(null, true);
  };

  broker.authenticate = (client, username, password, done) => {
    const address = connectionInfo.get(client.conn)?.remoteAddress ?? 'unknown';
    const refuse = (code: ReturnCode, label: string, reason: string) => {
      sessions.release(client);
      metrics.connectionsRefused.inc({ reason: label });
      refusals.warn({ clientId: client.id, user: username, address, reason }, 'connection refused');
      done(authError(reason, code), false);
    };
    const idProblem = clientIdProblem(client, rawClientIds.get(client));
    if (idProblem) return refuse(2, 'identifier_rejected', idProblem);
    const admit = async (principal: Principal, account: { name: string; role: Role; password: string } | null) => {
      const limit = principal.anonymous ? settings.maxAnonymousConnections : settings.maxConnectionsPerUser;
      const live = [...(connected.get(principal.user) ?? [])].filter((c) => c.id !== client.id);
      if (live.length >= limit)
        return refuse(5, 'connection_limit', `${live.length} connections already (limits: ${limit})`);
      const problem = await sessions.problem(client, principal.user, principal.role);
      if (problem) return refuse(5, 'client_id_owned', problem);
      if (client.closed) return sessions.release(client);
      permissions.set(client, new Permissions(principal, settings.rules, settings.prefix));
      logins.set(client, account);
      metrics.connectionsAccepted.inc({ role: principal.role });
      done(null, true);
    };
    const fail = (e: Error) => refuse(5, 'error', `authentication failed: ${e.message}`);
    if (username === undefined || username === '') {
      const role = connectionInfo.get(client.conn)?.anonymous ?? false;
      if (role === false) return refuse(5, 'not_authorized', 'anonymous access is not enabled on this listener');
      return void admit({ user: ANONYMOUS, role, anonymous: true }, null).catch(fail);
    }
    credentials.check(username, password, address).then((verdict) => {
      if (!verdict.ok) return refuse(4, verdict.reason, 'unknown user or wrong password');
      const { account } = verdict;
      return admit({ user: account.name, role: account.role }, account);
    }, fail);
  };

  installAuthorization(broker, permissions, metrics, refusals, settings.maxPayloadBytes);
  return installRevocation(settings.users, logins, clients, log);
}

function installAuthorization(
  broker: Aedes,
  permissions: WeakMap<Client, Permissions>,
  metrics: BrokerMetrics,
  refusals: RefusalLog,
  maxPayloadBytes: number,
): void {
  broker.authorizePublish = (client, packet, done) => {
    if (!client) return done(null); // the broker's own messages
    const perms = permissions.get(client);
    const deny = (label: string, reason: string) => {
      metrics.publishDenied.inc({ reason: label });
      refusals.warn(
        { clientId: client.id, user: perms?.principal.user, topic: packet.topic, reason },
        'publish denied',
      );
      // MQTT 3.1.1 has no negative PUBACK: aedes drops the message and closes the connection.
      done(new Error(reason));
    };
    if (!perms) return deny('not_authenticated', 'not authenticated');
    if (packet.payload.length > maxPayloadBytes)
      return deny('payload_too_large', `payload of ${packet.payload.length} bytes exceeds limits.maxPayloadBytes`);
    const verdict = perms.publish(packet.topic);
    if (verdict !== null) return deny(verdict.startsWith('topic') ? 'topic' : 'acl', verdict);
    done(null);
  };

  broker.authorizeSubscribe = (client, subscription, done) => {
    if (subscription.topic.startsWith(OWNER_TOPIC)) return done(null, null); // a session-owner record, restored
    const perms = permissions.get(client);
    const v = perms?.subscribe(subscription.topic) ?? { verdict: 'refused', reason: 'not authenticated' };
    if (v.verdict !== 'refused') return done(null, subscription);
    metrics.subscribeDenied.inc();
    refusals.warn(
      { clientId: client.id, user: perms?.principal.user, filter: subscription.topic, reason: v.reason },
      'subscription refused',
    );
    done(null, null); // SUBACK 0x80 for this filter; the connection stays
  };

  broker.authorizeForward = (client, packet) => {
    const perms = permissions.get(client);
    return perms?.receive(packet.topic) ? packet : null;
  };
}

/** Closes the live connections of an account removed, given a new password or a new role in the users file. */
function installRevocation(
  users: UserDirectory,
  logins: WeakMap<Client, { name: string; role: Role; password: string } | null>,
  clients: () => Record<string, Client>,
  log: Logger,
) {
  const revoke = () => {
    for (const client of Object.values(clients())) {
      const was = logins.get(client);
      if (!was) continue;
      const now = users.get(was.name);
      if (now && now.password === was.password && now.role === was.role) continue;
      log.warn({ user: was.name, clientId: client.id.slice(0, 80) }, 'account changed or removed: connection closed');
      client.close();
    }
  };
  const stop = users.watch(revoke);
  return { reloadUsers: () => users.refresh(), stop };
}
