import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The operators' dashboard, served by the broker's HTTP server. Returns true when it answered the
 * request, false to let the next handler (health, metrics) try.
 */
export type HttpHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

export function createDashboardHandler(_options: { mqttWebSocketPath: string }): HttpHandler {
  return (req, res) => {
    if (req.url !== '/' && req.url !== '/index.html') return false;
    res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('The dashboard is not built in this version.\n');
    return true;
  };
}
