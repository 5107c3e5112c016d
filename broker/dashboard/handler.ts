import type { IncomingMessage, ServerResponse } from 'node:http';
import { buildDashboardAssets, type DashboardAssets } from './assets.js';
import { dashboardHtml } from './html.js';

/**
 * The operators' dashboard, served by the broker's HTTP server. Returns true when it answered the
 * request, false to let the next handler (health, metrics) try.
 */
export type HttpHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

export interface DashboardOptions {
  /** Path of the broker's MQTT-over-WebSocket listener on this server (`/mqtt`), or a full `ws(s)://` URL. */
  mqttWebSocketPath: string;
  /** Topic prefix, `tidegate` by default. */
  prefix?: string;
  /** Told once the bundle is built, or why it could not be. */
  log?: (message: string) => void;
}

/** The page may talk only to this server (and a WebSocket broker); no inline script, no third party. */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ws: wss:; worker-src 'self' blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

export function createDashboardHandler(options: DashboardOptions): HttpHandler {
  const html = dashboardHtml({ mqttWebSocketPath: options.mqttWebSocketPath, prefix: options.prefix ?? 'tidegate' });
  let assets: Promise<DashboardAssets> | undefined;
  const built = () => {
    if (!assets) {
      assets = buildDashboardAssets().then(
        (a) => {
          options.log?.(`dashboard built in ${a.buildMs} ms (${a.js.length} bytes of JavaScript)`);
          return a;
        },
        (err: Error) => {
          assets = undefined; // try again on the next request
          options.log?.(`dashboard build failed: ${err.message}`);
          throw err;
        },
      );
    }
    return assets;
  };

  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const asset = path === '/assets/dashboard.js' ? 'js' : path === '/assets/dashboard.css' ? 'css' : undefined;
    if (path !== '/' && path !== '/index.html' && !asset) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
      res.end('The dashboard answers GET only.\n');
      return true;
    }
    if (!asset) {
      send(req, res, 200, 'text/html; charset=utf-8', html);
      return true;
    }
    const type = asset === 'js' ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8';
    const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    built().then(
      (a) =>
        gzip
          ? send(req, res, 200, type, asset === 'js' ? a.jsGzip : a.cssGzip, {
              'content-encoding': 'gzip',
              vary: 'accept-encoding',
            })
          : send(req, res, 200, type, a[asset], { vary: 'accept-encoding' }),
      (err: Error) =>
        send(req, res, 500, 'text/plain; charset=utf-8', `The dashboard could not be built: ${err.message}\n`),
    );
    return true;
  };
}

function send(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  type: string,
  body: string | Uint8Array,
  extra: Record<string, string> = {},
) {
  if (res.headersSent) return;
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    ...extra,
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-cache',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

export { buildDashboardAssets } from './assets.js';
