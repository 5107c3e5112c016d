import { type IncomingMessage, request } from 'node:http';

/**
 * The small part of InfluxDB 1.x's HTTP API that the schema, carbon and export code need: InfluxQL over
 * /query (errors of any statement thrown with the statement) and line protocol over /write.
 */
export interface InfluxConnection {
  /** InfluxDB base URL, e.g. http://127.0.0.1:8086 */
  url: string;
  database: string;
  username?: string;
  password?: string;
}

export interface QuerySeries {
  name: string;
  tags?: Record<string, string>;
  columns: string[];
  values?: unknown[][];
}

export interface QueryResult {
  statement_id: number;
  error?: string;
  series?: QuerySeries[];
  partial?: boolean;
}

export class InfluxError extends Error {
  constructor(
    readonly statement: string,
    readonly reason: string,
  ) {
    super(`InfluxDB refused "${statement.length > 300 ? `${statement.slice(0, 300)}…` : statement}": ${reason}`);
    this.name = 'InfluxError';
  }
}

/**
 * InfluxDB writes int64 values (nanosecond times, integer fields) as bare JSON numbers; JSON.parse would
 * round those above 2^53. This quotes every bare integer of 16 digits or more that stands as an array
 * element, skipping over string literals so text inside a string value is never touched.
 */
const BIG_INT_OR_STRING = /"(?:[^"\\]|\\.)*"|(?<=[[,])-?\d{16,}(?=[,\]])/g;
export function parseInfluxJson<T>(text: string): T {
  return JSON.parse(text.replace(BIG_INT_OR_STRING, (m) => (m.startsWith('"') ? m : `"${m}"`))) as T;
}

export function authParams(connection: InfluxConnection): URLSearchParams {
  const params = new URLSearchParams();
  if (connection.username) params.set('u', connection.username);
  if (connection.password) params.set('p', connection.password);
  return params;
}

/**
 * POSTs /query with `params` over node:http and resolves with the response once its head has arrived, for
 * a caller that streams the body. node:http rather than fetch for long answers: fetch (undici) costs about
 * a third more CPU per byte and some 25 MB of RSS, and asks for gzip, which on loopback or a LAN only
 * spends CPU on both sides.
 */
export async function openQuery(
  connection: InfluxConnection,
  params: URLSearchParams,
  options: { accept?: string; errorOf?: (body: Buffer) => string | undefined } = {},
): Promise<IncomingMessage> {
  const statement = params.get('q') ?? '';
  const url = new URL(`${connection.url}/query`);
  const send = url.protocol === 'https:' ? (await import('node:https')).request : request;
  const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' };
  if (options.accept) headers.Accept = options.accept;
  return new Promise((resolve, reject) => {
    const req = send(url, { method: 'POST', headers });
    req.on('error', (e) => reject(new InfluxError(statement, `cannot reach ${connection.url} (${e.message})`)));
    req.on('response', (res) => {
      if (res.statusCode === 200) return resolve(res);
      const body: Buffer[] = [];
      res.on('data', (b: Buffer) => body.push(b));
      res.on('end', () => {
        const bytes = Buffer.concat(body);
        const text = bytes.toString('utf8');
        let reason = `HTTP ${res.statusCode} ${text.slice(0, 200)}`;
        try {
          reason =
            (options.errorOf ? options.errorOf(bytes) : (JSON.parse(text) as { error?: string }).error) ?? reason;
        } catch {}
        reject(new InfluxError(statement, reason));
      });
    });
    req.end(params.toString());
  });
}

/** Runs one or more InfluxQL statements (POST, so writes and DDL work) and returns their results. */
export async function query(
  connection: InfluxConnection,
  q: string,
  options: { database?: string | null; epoch?: 'ns' | 'ms' } = {},
): Promise<QueryResult[]> {
  const params = authParams(connection);
  params.set('q', q);
  const db = options.database === undefined ? connection.database : options.database;
  if (db) params.set('db', db);
  params.set('epoch', options.epoch ?? 'ns');
  let res: Response;
  try {
    res = await fetch(`${connection.url}/query`, { method: 'POST', body: params });
  } catch (e) {
    throw new InfluxError(q, `cannot reach ${connection.url} (${(e as Error).message})`);
  }
  const text = await res.text();
  let body: { error?: string; results?: QueryResult[] };
  try {
    body = parseInfluxJson(text);
  } catch {
    throw new InfluxError(q, `HTTP ${res.status} ${text.slice(0, 200)}`);
  }
  const error = body.error ?? body.results?.find((r) => r.error)?.error;
  if (!res.ok || error) throw new InfluxError(q, error ?? `HTTP ${res.status}`);
  return body.results ?? [];
}

/** The rows of every series of the first statement, each with its series' tags. */
export async function queryRows(
  connection: InfluxConnection,
  q: string,
): Promise<{ name: string; tags: Record<string, string>; row: Record<string, unknown> }[]> {
  const [result] = await query(connection, q);
  const out: { name: string; tags: Record<string, string>; row: Record<string, unknown> }[] = [];
  for (const series of result?.series ?? []) {
    for (const values of series.values ?? []) {
      out.push({
        name: series.name,
        tags: series.tags ?? {},
        row: Object.fromEntries(series.columns.map((c, i) => [c, values[i]])),
      });
    }
  }
  return out;
}

/** POSTs line protocol; `retentionPolicy` selects the RP (the database's default when omitted). */
export async function writeLines(
  connection: InfluxConnection,
  lines: string,
  options: { retentionPolicy?: string } = {},
): Promise<void> {
  if (lines.length === 0) return;
  const params = authParams(connection);
  params.set('db', connection.database);
  params.set('precision', 'ns');
  if (options.retentionPolicy) params.set('rp', options.retentionPolicy);
  const res = await fetch(`${connection.url}/write?${params}`, { method: 'POST', body: lines });
  if (res.status !== 204)
    throw new InfluxError(`write to ${connection.database}`, `HTTP ${res.status} ${await res.text()}`);
}
