import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { Aedes } from 'aedes';
import { WebSocketServer } from 'ws';
import { anonymousRoleOf } from './auth.js';
import { batchedWebSocketStream } from './batched-websocket-stream.js';
import type { BrokerConfig } from './config.js';
import type { HttpHandler } from './http.js';
import type { Role } from './users.js';

export interface OpenListeners {
  mqttUrl?: string;
  mqttsUrl?: string;
  httpUrl?: string;
  wsUrl?: string;
  close(): Promise<void>;
}

function listen(server: NetServer | HttpServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/** Opens the TCP, TLS and HTTP(+WebSocket) listeners the config names. */
export async function openListeners(
  broker: Aedes,
  listeners: BrokerConfig['listeners'],
  httpHandlers: HttpHandler[],
): Promise<OpenListeners> {
  const servers: (NetServer | HttpServer)[] = [];
  const sockets = new Set<Socket>();
  const track = (server: NetServer | HttpServer) => {
    servers.push(server);
    server.on('connection', (s: Socket) => {
      sockets.add(s);
      s.once('close', () => sockets.delete(s));
    });
  };
  const handleAs = (anonymous: Role | false) => (stream: Socket) => {
    anonymousRoleOf.set(stream, anonymous);
    broker.handle(stream);
  };
  const result: OpenListeners = {
    async close() {
      for (const s of servers) s.close();
      for (const s of sockets) s.destroy();
      await Promise.all(servers.map((s) => new Promise((r) => (s.listening ? s.close(r) : r(undefined)))));
    },
  };
  try {
    if (listeners.mqtt) {
      const l = listeners.mqtt;
      const server = createNetServer(handleAs(l.anonymous));
      track(server);
      result.mqttUrl = `mqtt://${urlHost(l.host)}:${await listen(server, l.port, l.host)}`;
    }
    if (listeners.mqtts) {
      const l = listeners.mqtts;
      const server = createTlsServer({ cert: readFileSync(l.cert), key: readFileSync(l.key) }, handleAs(l.anonymous));
      track(server);
      result.mqttsUrl = `mqtts://${urlHost(l.host)}:${await listen(server, l.port, l.host)}`;
    }
    if (listeners.http) {
      const l = listeners.http;
      const server = createHttpServer((req, res) => {
        for (const handler of httpHandlers) if (handler(req, res)) return;
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not found\n');
      });
      const wss = new WebSocketServer({ server, path: l.websocketPath });
      wss.on('connection', (ws, req) => {
        // One WebSocket frame per event-loop turn, not per piece aedes writes (five per PUBLISH): a browser
        // pays per frame, and the dashboard fell behind at 2,000 messages/s without this.
        const stream = batchedWebSocketStream(ws);
        anonymousRoleOf.set(stream, l.anonymous);
        broker.handle(stream, req);
      });
      track(server);
      const port = await listen(server, l.port, l.host);
      result.httpUrl = `http://${urlHost(l.host)}:${port}`;
      result.wsUrl = `ws://${urlHost(l.host)}:${port}${l.websocketPath}`;
      const closeHttp = result.close;
      result.close = async () => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        await closeHttp();
      };
    }
  } catch (e) {
    await result.close();
    throw e;
  }
  return result;
}
