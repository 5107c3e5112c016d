/**
 * The comparison broker of bench/dashboard-load.ts: plain aedes with MQTT over WebSocket through
 * batchedWebSocketStream (one frame per event-loop turn instead of one per chunk) and the dashboard
 * handler on the same HTTP server, to show what batching WebSocket writes is worth to the page.
 * No accounts: aedes without an authenticate hook accepts any user name.
 */
import { createServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { Aedes } from 'aedes';
import { WebSocketServer } from 'ws';
import { createDashboardHandler } from '../broker/dashboard/handler.js';
import { batchedWebSocketStream } from '../broker/server/batched-websocket-stream.js';
import { freePort } from '../tests/harness/ports.js';

export async function startBatchingBroker() {
  const aedes = await Aedes.createBroker();
  const dashboard = createDashboardHandler({ mqttWebSocketPath: '/mqtt' });
  const http = createServer((req, res) => {
    if (!dashboard(req, res)) res.writeHead(404).end();
  });
  const wss = new WebSocketServer({ server: http, path: '/mqtt' });
  wss.on('connection', (ws, req) => aedes.handle(batchedWebSocketStream(ws) as never, req as never));
  const tcp = createNetServer(aedes.handle);
  const [httpPort, mqttPort] = [await freePort(), await freePort()];
  await new Promise<void>((r) => http.listen(httpPort, '127.0.0.1', r));
  await new Promise<void>((r) => tcp.listen(mqttPort, '127.0.0.1', r));
  return {
    httpUrl: `http://127.0.0.1:${httpPort}/`,
    mqttUrl: `mqtt://127.0.0.1:${mqttPort}`,
    wsUrl: `ws://127.0.0.1:${httpPort}/mqtt`,
    async stop() {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((r) => aedes.close(() => r()));
      await new Promise<void>((r) => wss.close(() => r()));
      await new Promise<void>((r) => tcp.close(() => r()));
      http.closeAllConnections();
      await new Promise<void>((r) => http.close(() => r()));
    },
  };
}
