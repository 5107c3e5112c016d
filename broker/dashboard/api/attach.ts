import type { Aedes } from 'aedes';
import { Topics } from '../../../wire/index.js';
import { EventRecorder } from '../../events/recorder.js';
import { EventStore } from '../../events/store.js';
import type { InfluxConnection } from '../../schema/http.js';
import type { UserDirectory } from '../../server/users.js';
import { verifyPassword } from '../../server/users.js';
import type { HttpHandler } from '../handler.js';
import { OperatorAuth } from './auth.js';
import { createDashboardApi } from './index.js';

export interface OperatorApiOptions {
  aedes: Aedes;
  prefix: string;
  users: UserDirectory;
  /** SQLite file of the kept events; without one they last as long as the process. */
  eventsPath?: string;
  maxEvents: number;
  influx: () => InfluxConnection | undefined;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

/** The events the broker keeps (fed from every accepted publish) and the dashboard's `/api/*` routes. */
export function attachOperatorApi(options: OperatorApiOptions): {
  handler: HttpHandler;
  store: EventStore;
  close(): void;
} {
  const store = new EventStore(options.eventsPath ?? ':memory:', options.maxEvents);
  const recorder = new EventRecorder(store, new Topics(options.prefix));
  options.aedes.on('publish', (packet, client) => {
    // A will is published for a client whose connection is already gone.
    try {
      recorder.onPublish(packet.topic, packet.payload as Buffer, Boolean(client && !client.connected));
    } catch (e) {
      options.log?.('event not kept', { topic: packet.topic, err: (e as Error).message });
    }
  });
  const auth = new OperatorAuth({ get: (name) => options.users.get(name), verify: verifyPassword });
  const handler = createDashboardApi({ auth, events: store, influx: options.influx, log: options.log });
  return { handler, store, close: () => store.close() };
}
