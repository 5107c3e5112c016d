import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';

type HealthBody = { ok: boolean; [key: string]: unknown };

export type HttpHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

/** Who may read /health and /metrics (config `listeners.http.expose`). */
export type Exposure = 'off' | 'loopback' | 'any';

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4 === '::1' || /^127\.\d+\.\d+\.\d+$/.test(v4);
}

function exposed(exposure: Exposure, req: IncomingMessage): boolean {
  return exposure === 'any' || (exposure === 'loopback' && isLoopback(req.socket.remoteAddress));
}

/**
 * GET /health (JSON, 200 when serving, 503 when a part is down) and GET /metrics (Prometheus text),
 * each served only to whom `expose` says; anyone else gets the 404 of an unknown path.
 */
export function healthAndMetricsHandler(
  health: () => HealthBody | Promise<HealthBody>,
  registries: () => Registry[],
  expose: { health: Exposure; metrics: Exposure } = { health: 'loopback', metrics: 'loopback' },
): HttpHandler {
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    if (path === '/health' && !exposed(expose.health, req)) return false;
    if (path === '/metrics' && !exposed(expose.metrics, req)) return false;
    if (path === '/health') {
      Promise.resolve()
        .then(health)
        .then(
          (body) => {
            res.writeHead(body.ok ? 200 : 503, { 'content-type': 'application/json' });
            res.end(JSON.stringify(body));
          },
          (e: Error) => {
            res.writeHead(500, { 'content-type': 'text/plain' });
            res.end(e.message);
          },
        );
      return true;
    }
    if (path === '/metrics') {
      Promise.all(registries().map((r) => r.metrics())).then(
        (texts) => {
          res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
          res.end(texts.join('\n'));
        },
        (e: Error) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(e.message);
        },
      );
      return true;
    }
    return false;
  };
}
