import { authParams, type InfluxConnection, InfluxError, parseInfluxJson, type QueryResult } from '../schema/http.js';

/**
 * Runs one query with `chunked=true` and yields InfluxDB's chunks one at a time as they arrive: each is a
 * newline-terminated JSON object of at most `chunkSize` rows, so a window of any size is never held whole.
 * A slow consumer stops the reading, and TCP backpressure slows InfluxDB.
 */
export async function* queryChunks(
  connection: InfluxConnection,
  statement: string,
  chunkSize = 10_000,
): AsyncGenerator<QueryResult> {
  const params = authParams(connection);
  params.set('q', statement);
  params.set('db', connection.database);
  params.set('epoch', 'ns');
  params.set('chunked', 'true');
  params.set('chunk_size', String(chunkSize));
  const res = await fetch(`${connection.url}/query`, { method: 'POST', body: params });
  if (!res.ok || !res.body) throw new InfluxError(statement, `HTTP ${res.status} ${await res.text()}`);
  const decoder = new TextDecoder();
  let pending = '';
  const parse = (line: string): QueryResult[] => {
    const body = parseInfluxJson<{ error?: string; results?: QueryResult[] }>(line);
    const error = body.error ?? body.results?.find((r) => r.error)?.error;
    if (error) throw new InfluxError(statement, error);
    return body.results ?? [];
  };
  for await (const bytes of res.body as unknown as AsyncIterable<Uint8Array>) {
    pending += decoder.decode(bytes, { stream: true });
    let nl = pending.indexOf('\n');
    while (nl >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      if (line.trim()) yield* parse(line);
      nl = pending.indexOf('\n');
    }
  }
  pending += decoder.decode();
  if (pending.trim()) yield* parse(pending);
}
