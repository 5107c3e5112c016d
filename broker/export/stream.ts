import {
  authParams,
  type InfluxConnection,
  InfluxError,
  openQuery,
  parseInfluxJson,
  type QueryResult,
} from '../schema/http.js';
import { decode } from './msgpack.js';

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
  const res = await openQuery(connection, chunkedParams(connection, statement, chunkSize));
  const decoder = new TextDecoder();
  // A chunk line can be megabytes long and arrive in many reads: keep the pieces and look for the end of
  // the line only in each new piece, instead of rescanning a growing string.
  let pieces: string[] = [];
  for await (const bytes of res as AsyncIterable<Buffer>) {
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

/**
 * The same query answered in MessagePack (`Accept: application/x-msgpack`): InfluxDB's chunks are MessagePack
 * maps one after the other, yielded as the bytes arrive; `MsgpackSplitter` cuts them.
 */
export async function* queryMsgpack(
  connection: InfluxConnection,
  statement: string,
  chunkSize = 2_000,
): AsyncGenerator<Buffer> {
  const params = chunkedParams(connection, statement, chunkSize);
  const errorOf = (body: Buffer) => (decode(body, 0, body.length) as { error?: string }).error;
  const res = await openQuery(connection, params, { accept: 'application/x-msgpack', errorOf });
  // A server that ignores the Accept header answers JSON, which would read as MessagePack nonsense.
  const type = res.headers['content-type'] ?? '';
  if (!type.startsWith('application/x-msgpack')) {
    res.destroy();
    throw new InfluxError(statement, `answered ${type || 'no content type'} where MessagePack was asked for`);
  }
  yield* res as AsyncIterable<Buffer>;
}

function chunkedParams(connection: InfluxConnection, statement: string, chunkSize: number): URLSearchParams {
  const params = authParams(connection);
  params.set('q', statement);
  params.set('db', connection.database);
  params.set('epoch', 'ns');
  params.set('chunked', 'true');
  params.set('chunk_size', String(chunkSize));
  return params;
}

/** The results of one chunk line; an error InfluxDB reports in it (a killed query, a limit) is thrown. */
export function parseChunk(line: string, statement: string): QueryResult[] {
  return chunkResults(parseInfluxJson(line), statement);
}

/** The results of a parsed chunk, or InfluxDB's error in it thrown. */
export function chunkResults(body: { error?: string; results?: QueryResult[] }, statement: string): QueryResult[] {
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

/** Every row of each statement's series, in statement order, read from a chunked answer. */
export async function queryValues(connection: InfluxConnection, statements: string[]): Promise<unknown[][][]> {
  const values: unknown[][][] = statements.map(() => []);
  const statement = statements.join('; ');
  for await (const result of queryChunks(connection, statement)) {
    for (const series of result.series ?? []) values[result.statement_id]?.push(...(series.values ?? []));
  }
  return values;
}
