import { join } from 'node:path';
import { addUser, type RunningBroker, startBroker } from '../../../broker/server/index.js';
import { removeTempDir, tempDir } from '../../harness/cleanup.js';

/**
 * The project's broker (startBroker: accounts, ACL, MQTT over TCP and over WebSocket, the dashboard on
 * its HTTP listener) on free ports, with the accounts the dashboard's tests and benchmark need:
 * an operator, one gateway account per simulated gateway, and an admin that plays the fixtures.
 */
export interface DashboardBroker {
  httpUrl: string;
  mqttUrl: string;
  operator: { username: string; password: string };
  admin: { username: string; password: string };
  gateways: Record<string, string>;
  broker: RunningBroker;
  stop(): Promise<void>;
}

export async function startDashboardBroker(
  options: { gateways?: string[]; maxConnectionsPerUser?: number } = {},
): Promise<DashboardBroker> {
  const dir = tempDir('tidegate-dashboard-');
  const usersFile = join(dir, 'users.yaml');
  const operator = await addUser(usersFile, 'operator', 'operator');
  const admin = await addUser(usersFile, 'fixtures', 'admin');
  const gateways: Record<string, string> = {};
  for (const id of options.gateways ?? []) gateways[id] = (await addUser(usersFile, id, 'gateway')).password;
  const broker = await startBroker(
    {
      usersFile,
      listeners: { mqtt: { port: 0 }, http: { port: 0 } },
      limits: { maxConnectionsPerUser: options.maxConnectionsPerUser ?? 4 },
    },
    { logger: (await import('pino')).pino({ level: 'warn' }, process.stderr) },
  );
  if (!broker.httpUrl || !broker.mqttUrl) throw new Error('startBroker opened no HTTP or MQTT listener');
  return {
    httpUrl: broker.httpUrl.endsWith('/') ? broker.httpUrl : `${broker.httpUrl}/`,
    mqttUrl: broker.mqttUrl,
    operator: { username: operator.name, password: operator.password },
    admin: { username: admin.name, password: admin.password },
    gateways,
    broker,
    async stop() {
      await broker.close({ drainMs: 0 });
      removeTempDir(dir);
    },
  };
}
