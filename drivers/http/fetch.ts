/** One HTTP GET with a deadline, a size cap and conditional headers; errors never show the query string. */

export interface Validators {
  etag?: string;
  lastModified?: string;
}

export type FetchResult =
  | { status: 'modified'; body: Uint8Array; validators: Validators; link?: string }
  | { status: 'not_modified' };

export interface FetchOptions {
  headers: Record<string, string>;
  validators?: Validators;
  timeoutMs: number;
  maxBytes: number;
  signal: AbortSignal;
  /** With a credential, redirects are refused (a token must not follow the client elsewhere); else followed. */
  followRedirects: boolean;
}

export class FetchError extends Error {}

export async function fetchResource(url: URL, options: FetchOptions): Promise<FetchResult> {
  const headers: Record<string, string> = { 'user-agent': 'tidegate', ...options.headers };
  if (options.validators?.etag) headers['if-none-match'] = options.validators.etag;
  if (options.validators?.lastModified) headers['if-modified-since'] = options.validators.lastModified;
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = AbortSignal.any([options.signal, timeout]);
  try {
    const response = await fetch(url, { headers, signal, redirect: options.followRedirects ? 'follow' : 'error' });
    if (response.status === 304) {
      await response.body?.cancel();
      return { status: 'not_modified' };
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new FetchError(`HTTP ${response.status} ${response.statusText} from ${redact(url)}`);
    }
    const body = await readCapped(response, options.maxBytes, url);
    const validators: Validators = {
      etag: response.headers.get('etag') ?? undefined,
      lastModified: response.headers.get('last-modified') ?? undefined,
    };
    return { status: 'modified', body, validators, link: response.headers.get('link') ?? undefined };
  } catch (error) {
    if (error instanceof FetchError) throw error;
    if (timeout.aborted) throw new FetchError(`no complete answer from ${redact(url)} within ${options.timeoutMs} ms`);
    if (options.signal.aborted) throw new FetchError('closed');
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    throw new FetchError(`cannot fetch ${redact(url)}: ${cause ?? (error as Error).message}`);
  }
}

async function readCapped(response: Response, maxBytes: number, url: URL): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length'));
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw new FetchError(`${redact(url)} answers ${declared} bytes, more than maxBytes ${maxBytes}`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body?.getReader();
  for (let read = await reader?.read(); reader && read && !read.done; read = await reader.read()) {
    const chunk = read.value;
    size += chunk.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new FetchError(`${redact(url)} sent more than maxBytes ${maxBytes}`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The URL as it may be shown: no credentials, no query (an API key may be a query parameter). */
export function redact(url: URL): string {
  return `${url.origin}${url.pathname}${url.search ? '?…' : ''}`;
}

/** The `rel="next"` target of an RFC 8288 Link header. */
export function nextFromLinkHeader(link: string | undefined): string | undefined {
  for (const part of link?.split(',') ?? []) {
    const match = /<([^>]*)>\s*;(.*)$/.exec(part.trim());
    if (match && /(^|;)\s*rel\s*=\s*"?([^";]*\s)?next(\s[^";]*)?"?\s*(;|$)/i.test(match[2]!)) return match[1];
  }
  return undefined;
}
