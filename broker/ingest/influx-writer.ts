import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/**
 * Writes line protocol to InfluxDB 1.x's /write. Raw HTTP rather than the `influx` package: the
 * journal already holds line protocol with exact 64-bit integers (the package's IPoint would turn
 * them into floats or need a per-measurement schema), and a 400 "partial write" must be read to know
 * which points InfluxDB refused while it kept the others.
 */
export interface InfluxTarget {
  url: string;
  database: string;
  username?: string;
  password?: string;
}

export type WriteOutcome =
  /** Every point stored. */
  | { kind: 'ok' }
  /** InfluxDB stored the others and refused `dropped` points for `reason` (type conflict, retention…). */
  | { kind: 'partial'; dropped: number; reason: string; conflicts: FieldConflict[] }
  /** InfluxDB refused the request as a whole (a 4xx that retrying cannot fix). */
  | { kind: 'refused'; status: number; reason: string }
  /** The database does not exist (yet). */
  | { kind: 'no-database'; reason: string };

export interface FieldConflict {
  measurement: string;
  field: string;
  /** The type this write tried, as InfluxDB names it: float, integer, string, boolean. */
  inputType: string;
  existingType: string;
}

/** Thrown when InfluxDB cannot be reached or answers 5xx / 401 / 403: retry later, drop nothing. */
export class InfluxUnavailableError extends Error {
  override name = 'InfluxUnavailableError';
}

const CONFLICT = /input field "([^"]+)" on measurement "([^"]+)" is type (\w+), already exists as type (\w+)/g;

export function parsePartialWrite(error: string): { dropped: number; conflicts: FieldConflict[] } {
  const dropped = Number(/dropped=(\d+)/.exec(error)?.[1] ?? 0);
  const conflicts: FieldConflict[] = [];
  for (const m of error.matchAll(CONFLICT))
    conflicts.push({ field: m[1]!, measurement: m[2]!, inputType: m[3]!, existingType: m[4]! });
  return { dropped, conflicts };
}

/** Kept-alive connections to InfluxDB: several writes are out at once (spill-writer.ts). */
const agents = { 'http:': new HttpAgent({ keepAlive: true }), 'https:': new HttpsAgent({ keepAlive: true }) };

/**
 * POST /write over node:http: the body string goes to the socket as it is (fetch first copies it into
 * a Uint8Array, then into its stream, which was a tenth of the ingestor's time per point).
 */
function post(url: URL, body: string, timeoutMs: number): Promise<{ status: number; text: string }> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      {
        method: 'POST',
        agent: agents[url.protocol as keyof typeof agents],
        headers: { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

export async function writeLineProtocol(target: InfluxTarget, body: string, timeoutMs = 30_000): Promise<WriteOutcome> {
  const params = new URLSearchParams({ db: target.database, precision: 'ns' });
  if (target.username) params.set('u', target.username);
  if (target.password) params.set('p', target.password);
  let res: { status: number; text: string };
  try {
    res = await post(new URL(`${target.url}/write?${params}`), body, timeoutMs);
  } catch (e) {
    throw new InfluxUnavailableError(`InfluxDB at ${target.url} unreachable: ${(e as Error).message}`);
  }
  if (res.status === 204 || res.status === 200) return { kind: 'ok' };
  const text = res.text;
  let reason = text;
  try {
    reason = (JSON.parse(text) as { error?: string }).error ?? text;
  } catch {
    // not JSON: keep the text
  }
  if (res.status >= 500 || res.status === 401 || res.status === 403)
    throw new InfluxUnavailableError(`InfluxDB answered ${res.status}: ${reason}`);
  if (res.status === 404 && /database not found/.test(reason)) return { kind: 'no-database', reason };
  if (res.status === 400 && reason.startsWith('partial write'))
    return { kind: 'partial', reason, ...parsePartialWrite(reason) };
  return { kind: 'refused', status: res.status, reason };
}
