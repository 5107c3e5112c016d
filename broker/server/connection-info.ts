import type { Connection } from 'aedes';
import type { ConnectFacts } from './packet-guard.js';
import type { Role } from './users.js';

/** What the listener knew about a connection before aedes took it over. */
export interface ConnectionInfo {
  /** The role given to clients without a user name on this listener, or false. */
  anonymous: Role | false;
  /** The peer's address (for the per-address login throttle and anonymous limits). */
  remoteAddress: string;
  /** What the packet guard saw in the raw CONNECT bytes. */
  connectFacts(): ConnectFacts | undefined;
}

export const connectionInfo = new WeakMap<Connection, ConnectionInfo>();
