import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SimulatorDefinition } from '../driver.js';

/**
 * A partner's HTTP API on loopback, for dry runs, the demo and the tests:
 * - `GET /occupancy?offset=&limit=`: daily occupancy per area (JSON, paged, `links.next`), with ETag;
 * - `GET /air-quality.csv`: hourly concentrations in the LCSQA "E2" CSV layout, with Last-Modified.
 * Both answer 304 to a matching conditional request. Faults: the next N requests fail with 500, a delay
 * before the answer, a required bearer token.
 */
export interface PartnerServerOptions {
  host?: string;
  port?: number;
  /** First day of the occupancy series (YYYY-MM-DD) and how many days. Default: the last 30 days. */
  from?: string;
  days?: number;
  areas?: string[];
  /** Every Nth occupancy record has "n/a" nights (a record that does not map). */
  badEvery?: number;
  /** When set, requests without `Authorization: Bearer <token>` get 401. */
  token?: string;
}

export interface PartnerServer {
  url: string;
  /** Each request: path with query, and its headers. */
  requests: { path: string; headers: IncomingMessage['headers'] }[];
  /** The next `count` requests answer 500. */
  failNext(count: number): void;
  /** Every answer waits this long first (0: none). */
  delay(ms: number): void;
  /** Adds days to the series: the content (and ETag) changes. */
  setDays(days: number): void;
  close(): Promise<void>;
}

// Not in testdata/: the simulator ships in dist/ for `tidegate simulate http` and the demo.
const CSV_FILE = new URL('./samples/lcsqa-fr-e2-2026-11-30.csv', import.meta.url);

export async function startPartnerServer(options: PartnerServerOptions = {}): Promise<PartnerServer> {
  const requests: PartnerServer['requests'] = [];
  let failures = 0;
  let delayMs = 0;
  let days = options.days ?? 30;
  const from = options.from ?? new Date(Date.now() - (days + 1) * 86_400_000).toISOString().slice(0, 10);
  const areas = options.areas ?? ['la-rochelle', 'ile-de-re', 'chatelaillon'];
  const csvModified = new Date('2026-11-30T12:00:00Z').toUTCString();

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    requests.push({ path: req.url ?? '', headers: req.headers });
    if (options.token && req.headers.authorization !== `Bearer ${options.token}`) return send(res, 401, 'unauthorized');
    if (failures > 0) {
      failures--;
      return send(res, 500, 'simulated failure');
    }
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/occupancy') {
      const offset = Number(url.searchParams.get('offset') ?? 0);
      const limit = Math.min(Number(url.searchParams.get('limit') ?? 50), 500);
      const all = occupancy(from, days, areas, options.badEvery);
      const data = all.slice(offset, offset + limit);
      const next = offset + limit < all.length ? `/occupancy?offset=${offset + limit}&limit=${limit}` : null;
      const body = JSON.stringify({ data, links: { next } });
      const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`;
      if (req.headers['if-none-match'] === etag) return send(res, 304);
      return send(res, 200, body, { 'content-type': 'application/json', etag });
    }
    if (url.pathname === '/air-quality.csv') {
      if (req.headers['if-modified-since'] === csvModified) return send(res, 304);
      return send(res, 200, readFileSync(CSV_FILE), {
        'content-type': 'text/csv; charset=utf-8',
        'last-modified': csvModified,
      });
    }
    send(res, 404, 'not found');
  };

  const server = createServer((req, res) => {
    if (delayMs > 0) setTimeout(() => handle(req, res), delayMs).unref();
    else handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    requests,
    failNext: (count) => {
      failures = count;
    },
    delay: (ms) => {
      delayMs = ms;
    },
    setDays: (n) => {
      days = n;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function send(res: ServerResponse, status: number, body?: string | Buffer, headers: Record<string, string> = {}) {
  if (res.destroyed) return;
  res.writeHead(status, headers);
  res.end(body);
}

/** Deterministic occupancy: the same area and day always give the same numbers. */
export function occupancy(from: string, days: number, areas: string[], badEvery = 0) {
  const start = Date.parse(`${from}T00:00:00Z`);
  const rows: { area: string; date: string; stats: { nights: number | string; beds_occupied: number } }[] = [];
  for (let d = 0; d < days; d++) {
    const date = new Date(start + d * 86_400_000).toISOString().slice(0, 10);
    for (const area of areas) {
      const h = createHash('sha256').update(`${area}/${date}`).digest();
      const beds = 200 + (h.readUInt16BE(0) % 1800);
      const nights = badEvery && (rows.length + 1) % badEvery === 0 ? 'n/a' : beds + (h.readUInt16BE(2) % 400);
      rows.push({ area, date, stats: { nights, beds_occupied: beds } });
    }
  }
  return rows;
}

export const simulator: SimulatorDefinition = {
  describe(command) {
    command
      .description("a partner's HTTP API: /occupancy (JSON, paged, ETag) and /air-quality.csv (LCSQA E2 layout)")
      .option('--listen <host:port>', 'where to listen (loopback by default)', '127.0.0.1:8380')
      .option('--days <n>', 'days of occupancy, ending yesterday', '30')
      .option('--token-file <file>', 'require this bearer token');
  },
  selfTest: ({ tcpPort }) => {
    const {
      id: _id,
      driver: _driver,
      every: _every,
      ...options
    } = demoPartnerDevice('x', `http://127.0.0.1:${tcpPort}`);
    return [{ name: 'occupancy API', args: ['--listen', `127.0.0.1:${tcpPort}`, '--days', '3'], options }];
  },
  async run(options, signal) {
    const [host, port] = String(options.listen).split(':');
    const token = options.tokenFile ? readFileSync(String(options.tokenFile), 'utf8').trim() : undefined;
    const server = await startPartnerServer({ host, port: Number(port), days: Number(options.days), token });
    process.stderr.write(`partner API on ${server.url}/occupancy and ${server.url}/air-quality.csv\n`);
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    await server.close();
  },
};

/** A gateway device entry reading this simulator's occupancy API (paged by next link): for the demo. */
export function demoPartnerDevice(id: string, baseUrl: string) {
  return {
    id,
    driver: 'http',
    every: '1m',
    url: `${baseUrl}/occupancy?limit=50`,
    format: 'json',
    json: { records: '$.data[*]' },
    paging: { nextLink: '$.links.next' },
    mapping: {
      measurement: 'occupancy',
      tags: { area: 'area', partner: { value: 'booking-platform' } },
      fields: { nights: 'stats.nights', beds_occupied: 'stats.beds_occupied' },
      time: { from: 'date', format: 'yyyy-MM-dd', timeZone: 'Europe/Paris' },
    },
  };
}
