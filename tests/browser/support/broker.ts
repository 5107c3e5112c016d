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
  /** Stops the broker process part and starts it again on the same ports, accounts and files. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startDashboardBroker(
  options: {
    gateways?: string[];
    maxConnectionsPerUser?: number;
    /** Ingest in-process into this InfluxDB (history), and keep events in a file (they survive restart). */
    influxUrl?: string;
    /** Read history from this InfluxDB without ingesting into it (benchmarks pre-load it). */
    historyInfluxUrl?: string;
  } = {},
): Promise<DashboardBroker> {
  const dir = tempDir('tidegate-dashboard-');
  const usersFile = join(dir, 'users.yaml');
  const operator = await addUser(usersFile, 'operator', 'operator');
  const admin = await addUser(usersFile, 'fixtures', 'admin');
  const gateways: Record<string, string> = {};
  for (const id of options.gateways ?? []) gateways[id] = (await addUser(usersFile, id, 'gateway')).password;
  const logger = (await import('pino')).pino({ level: 'warn' }, process.stderr);
  const start = (ports: { mqtt: number; http: number }) =>
    startBroker(
      {
        usersFile,
        listeners: { mqtt: { port: ports.mqtt }, http: { port: ports.http } },
        limits: { maxConnectionsPerUser: options.maxConnectionsPerUser ?? 4 },
        events: { path: join(dir, 'events.db') },
        ...(options.historyInfluxUrl ? { history: { influx: { url: options.historyInfluxUrl } } } : {}),
        ...(options.influxUrl
          ? { ingest: { enabled: true, influx: { url: options.influxUrl }, spill: { path: join(dir, 'spill.db') } } }
          : {}),
      },
      { logger },
    );
  let broker = await start({ mqtt: 0, http: 0 });
  if (!broker.httpUrl || !broker.mqttUrl) throw new Error('startBroker opened no HTTP or MQTT listener');
  const ports = { mqtt: Number(new URL(broker.mqttUrl).port), http: Number(new URL(broker.httpUrl).port) };
  const result: DashboardBroker = {
    httpUrl: broker.httpUrl.endsWith('/') ? broker.httpUrl : `${broker.httpUrl}/`,
    mqttUrl: broker.mqttUrl,
    operator: { username: operator.name, password: operator.password },
    admin: { username: admin.name, password: admin.password },
    gateways,
    broker,
    async restart() {
      await broker.close({ drainMs: 2_000 });
      broker = await start(ports);
      result.broker = broker;
    },
    async stop() {
      await broker.close({ drainMs: 0 });
      removeTempDir(dir);
    },
  };
  return result;
}
