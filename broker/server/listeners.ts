import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createServer as createTlsServer } from 'node:tls';
import type { Aedes } from 'aedes';
import { WebSocketServer } from 'ws';
import { batchedWebSocketStream } from './batched-websocket-stream.js';
import { coalesceWrites } from './coalesce-writes.js';
import type { BrokerConfig } from './config.js';
import { connectionInfo } from './connection-info.js';
import type { HttpHandler } from './http.js';
import { guardStream, type PacketLimits } from './packet-guard.js';
import type { Role } from './users.js';

/** What happens to a connection before aedes sees it: the packet guard, and its refusals counted. */
export interface ListenerGuard extends PacketLimits {
  /** A connection closed by the guard or a TLS handshake timeout (reason: a short label). */
  onDrop(reason: string, detail: string): void;
}

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
  guard: ListenerGuard,
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
  const hand = (stream: Duplex, anonymous: Role | false, remoteAddress: string | undefined, req?: unknown) => {
    const guarded = guardStream(stream, guard, (reason) => guard.onDrop('packet_refused', reason));
    connectionInfo.set(stream, {
      anonymous,
      remoteAddress: remoteAddress ?? 'unknown',
      connectFacts: guarded.facts,
    });
    broker.handle(stream, req as never);
  };
  const handleAs = (anonymous: Role | false) => (stream: Socket) => {
    coalesceWrites(stream);
    hand(stream, anonymous, stream.remoteAddress);
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
      const server = createTlsServer(
        { cert: readFileSync(l.cert), key: readFileSync(l.key), handshakeTimeout: l.handshakeTimeoutMs },
        handleAs(l.anonymous),
      );
      // Node reports a handshake timeout (or a bad ClientHello) here but leaves the socket open.
      server.on('tlsClientError', (e, socket) => {
        guard.onDrop('tls_handshake', e.message);
        socket.destroy();
      });
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
      // ws buffers a whole frame before handing it on (100 MiB by default): no frame may exceed a packet.
      const maxPayload = Math.max(guard.maxConnectBytes, guard.maxPayloadBytes + 65_535 + 4) + 5;
      const wss = new WebSocketServer({ server, path: l.websocketPath, maxPayload });
      wss.on('connection', (ws, req) => {
        // One WebSocket frame per event-loop turn, not per piece aedes writes (five per PUBLISH): a browser
        // pays per frame, and the dashboard fell behind at 2,000 messages/s without this.
        ws.on('error', (e) => guard.onDrop('packet_refused', e.message));
        hand(batchedWebSocketStream(ws), l.anonymous, req.socket.remoteAddress, req);
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
