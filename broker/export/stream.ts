import { authParams, type InfluxConnection, InfluxError, parseInfluxJson, type QueryResult } from '../schema/http.js';

/**
 * Runs one query with `chunked=true` and yields InfluxDB's chunks one at a time as they arrive, as text:
 * each is one line holding a JSON object of at most `chunkSize` rows, so a window of any size is never held
 * whole. A slow consumer stops the reading, and TCP backpressure slows InfluxDB.
 */
export async function* queryLines(
  connection: InfluxConnection,
  statement: string,
  chunkSize = 2_000,
): AsyncGenerator<string> {
  const params = authParams(connection);
  params.set('q', statement);
  params.set('db', connection.database);
  params.set('epoch', 'ns');
  params.set('chunked', 'true');
  params.set('chunk_size', String(chunkSize));
  let res: Response;
  try {
    // fetch asks for gzip by default; InfluxDB then spends CPU compressing what we spend CPU inflating, for
    // nothing on loopback or a LAN (an export's rate is about a third higher without).
    const headers = { 'Accept-Encoding': 'identity' };
    res = await fetch(`${connection.url}/query`, { method: 'POST', body: params, headers });
  } catch (e) {
    throw new InfluxError(statement, `cannot reach ${connection.url} (${(e as Error).message})`);
  }
  if (!res.ok || !res.body) throw new InfluxError(statement, `HTTP ${res.status} ${await res.text()}`);
  const decoder = new TextDecoder();
  // A chunk line can be megabytes long and arrive in many reads: keep the pieces and look for the end of
  // the line only in each new piece, instead of rescanning a growing string.
  let pieces: string[] = [];
  for await (const bytes of res.body as unknown as AsyncIterable<Uint8Array>) {
    let text = decoder.decode(bytes, { stream: true });
    let nl = text.indexOf('\n');
    while (nl >= 0) {
      pieces.push(text.slice(0, nl));
      const line = pieces.join('');
      pieces = [];
      text = text.slice(nl + 1);
      if (line.trim()) yield line;
      nl = text.indexOf('\n');
    }
    if (text) pieces.push(text);
  }
  pieces.push(decoder.decode());
  const rest = pieces.join('');
  if (rest.trim()) yield rest;
}

/** The results of one chunk line; an error InfluxDB reports in it (a killed query, a limit) is thrown. */
export function parseChunk(line: string, statement: string): QueryResult[] {
  const body = parseInfluxJson<{ error?: string; results?: QueryResult[] }>(line);
  const error = body.error ?? body.results?.find((r) => r.error)?.error;
  if (error) throw new InfluxError(statement, error);
  return body.results ?? [];
}

/** `queryLines`, each chunk parsed. */
export async function* queryChunks(
  connection: InfluxConnection,
  statement: string,
  chunkSize = 2_000,
): AsyncGenerator<QueryResult> {
  for await (const line of queryLines(connection, statement, chunkSize)) yield* parseChunk(line, statement);
}
