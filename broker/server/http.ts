import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';

type HealthBody = { ok: boolean; [key: string]: unknown };

export type HttpHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

/** GET /health (JSON, 200 when serving, 503 when a part is down) and GET /metrics (Prometheus text). */
export function healthAndMetricsHandler(
  health: () => HealthBody | Promise<HealthBody>,
  registries: () => Registry[],
): HttpHandler {
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
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
