import { createServer, type Server as HttpServer } from 'node:http';
import { createServer as createNetServer, type Server as NetServer } from 'node:net';
import { Aedes } from 'aedes';
import { createWebSocketStream, WebSocketServer } from 'ws';
import { createDashboardHandler } from '../../../broker/dashboard/handler.js';
import { freePort } from '../../harness/index.js';

/**
 * A broker set up the way the dashboard meets it in production, built from plain parts: aedes with
 * an `authenticate` hook for a few accounts, MQTT over TCP for gateways, MQTT over WebSocket at
 * `/mqtt` and the dashboard handler on one HTTP server. Used until (and beside) the project's
 * `startBroker`, so the page is tested against the same wire whichever broker serves it.
 */
export interface TestDashboardBroker {
  /** http://127.0.0.1:PORT/ — the dashboard. */
  httpUrl: string;
  /** mqtt://127.0.0.1:PORT — for gateways and `tidegate watch`. */
  mqttUrl: string;
  broker: Aedes;
  stop(): Promise<void>;
}

export async function startTestDashboardBroker(users: Record<string, string>): Promise<TestDashboardBroker> {
  const broker = await Aedes.createBroker({
    authenticate: (_client, username, password, done) => {
      const ok = username !== undefined && users[username] !== undefined && password?.toString() === users[username];
      if (ok) return done(null, true);
      const err = Object.assign(new Error('bad user name or password'), { returnCode: 4 });
      done(err as never, false);
    },
  });
  const dashboard = createDashboardHandler({ mqttWebSocketPath: '/mqtt' });
  const http: HttpServer = createServer((req, res) => {
    if (dashboard(req, res)) return;
    res.writeHead(404).end();
  });
  const wss = new WebSocketServer({ server: http, path: '/mqtt' });
  wss.on('connection', (ws, req) => broker.handle(createWebSocketStream(ws) as never, req as never));
  const tcp: NetServer = createNetServer(broker.handle);
  const [httpPort, mqttPort] = [await freePort(), await freePort()];
  await new Promise<void>((r) => http.listen(httpPort, '127.0.0.1', r));
  await new Promise<void>((r) => tcp.listen(mqttPort, '127.0.0.1', r));
  return {
    httpUrl: `http://127.0.0.1:${httpPort}/`,
    mqttUrl: `mqtt://127.0.0.1:${mqttPort}`,
    broker,
    async stop() {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((r) => broker.close(() => r()));
      await new Promise<void>((r) => wss.close(() => r()));
      await new Promise<void>((r) => tcp.close(() => r()));
      http.closeAllConnections();
      await new Promise<void>((r) => http.close(() => r()));
    },
  };
}
