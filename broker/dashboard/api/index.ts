import type { ServerResponse } from 'node:http';
import { idProblem } from '../../../wire/index.js';
import type { EventQuery, EventStore } from '../../events/store.js';
import { type InfluxConnection, query } from '../../schema/http.js';
import { HISTORY_RANGES, type HistoryRange } from '../feed/history.js';
import type { HttpHandler } from '../handler.js';
import type { OperatorAuth } from './auth.js';
import { planHistory, shapeHistory } from './history-query.js';

export interface DashboardApiOptions {
  auth: OperatorAuth;
  events?: EventStore;
  /** Where history is read from; undefined while unknown (no InfluxDB configured). */
  influx: () => InfluxConnection | undefined;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

class BadRequest extends Error {}

const CHALLENGE = { 'www-authenticate': 'Basic realm="tidegate operators", charset="UTF-8"' };

/**
 * `GET /api/events` and `GET /api/history`, for signed-in operators only (see auth.ts): the kept
 * events, and a gateway's recent readings from InfluxDB. Both answer JSON; an error says why.
 */
export function createDashboardApi(options: DashboardApiOptions): HttpHandler {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://broker');
    if (url.pathname !== '/api/events' && url.pathname !== '/api/history') return false;
    if (req.method !== 'GET') {
      json(res, 405, { error: 'GET only' }, { allow: 'GET' });
      return true;
    }
    options.auth.check(req).then(
      async (verdict) => {
        if (!verdict.ok) {
          // Challenge only a client that sent nothing (curl); the page sends credentials and must get no browser prompt.
          const challenge = verdict.status === 401 && !req.headers.authorization;
          return json(res, verdict.status, { error: verdict.reason }, challenge ? CHALLENGE : {});
        }
        try {
          if (url.pathname === '/api/events') return json(res, 200, events(options.events, url.searchParams));
          return json(res, 200, await history(options, url.searchParams, verdict.user));
        } catch (e) {
          if (e instanceof BadRequest) return json(res, 400, { error: e.message });
          options.log?.('dashboard api failed', { path: url.pathname, err: (e as Error).message });
          return json(res, 503, { error: (e as Error).message });
        }
      },
      (e: Error) => json(res, 500, { error: `could not check the credentials: ${e.message}` }),
    );
    return true;
  };
}

function events(store: EventStore | undefined, params: URLSearchParams) {
  if (!store) return { events: [], total: 0, kept: 0, gateways: [] };
  const q: EventQuery = {};
  for (const key of ['gateway', 'device', 'kind'] as const) {
    const v = params.get(key);
    if (v) q[key] = v;
  }
  for (const key of ['before', 'after', 'limit'] as const) {
    const v = params.get(key);
    if (v === null || v === '') continue;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new BadRequest(`${key} must be a whole number, not "${v}"`);
    q[key] = n;
  }
  return { events: store.query(q), total: store.count(), kept: store.maxEvents, gateways: store.gateways() };
}

async function history(options: DashboardApiOptions, params: URLSearchParams, user: string) {
  const gateway = params.get('gateway') ?? '';
  const device = params.get('device') || undefined;
  const range = (params.get('range') || '1h') as HistoryRange;
  const problem = idProblem(gateway, 'gateway') ?? (device ? idProblem(device, 'device') : undefined);
  if (problem) throw new BadRequest(problem);
  if (!HISTORY_RANGES.includes(range)) throw new BadRequest(`range must be one of ${HISTORY_RANGES.join(', ')}`);
  const plan = planHistory(gateway, device, range);
  const influx = options.influx();
  // Not an error of the request: this broker has no history to give (no ingest, no history.influx).
  if (!influx)
    return { ...shapeHistory(gateway, plan, []), note: 'this broker has no InfluxDB configured: live view only' };
  const results = await query(influx, plan.statements.join('; '), { epoch: 'ms' });
  options.log?.('history read', { user, gateway, device, range });
  return shapeHistory(gateway, plan, results);
}

function json(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...extra,
  });
  res.end(text);
}
