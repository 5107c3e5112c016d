import { readFileSync } from 'node:fs';
import type { Reading } from '../../wire/reading.js';
import type { DeviceContext, DeviceHandle, DriverDefinition, ResourceClaim } from '../driver.js';
import { mappingEmissions } from '../records/emissions.js';
import { createMapper } from '../records/map.js';
import type { BodyFormat } from '../records/parse.js';
import { readRecords } from '../records/read.js';
import { FetchError, fetchResource, type Validators } from './fetch.js';
import { type HttpOptions, httpOptions } from './options.js';
import { firstPage, nextPage } from './pages.js';

/** What the last answer of a page was: its validators and where it pointed next, for a 304. */
interface PageMemo {
  validators: Validators;
  next?: string;
}

async function open(options: HttpOptions, context: DeviceContext): Promise<DeviceHandle> {
  const token = options.tokenFile ? readToken(options.tokenFile) : undefined;
  const headers = { ...options.headers };
  if (token && !options.tokenQuery) headers[options.tokenHeader] = `${options.tokenPrefix}${token}`;
  const source: BodyFormat =
    options.format === 'csv' ? { format: 'csv', csv: options.csv } : { format: 'json', json: options.json };
  const map = createMapper(options.mapping, { decimalComma: options.format === 'csv' && options.csv.decimalComma });
  // Per page URL (without the token): an unchanged page answers 304 and is not read again.
  const memo = new Map<string, PageMemo>();
  let down = false;

  const readPage = async (url: URL, page: number, out: Reading[]): Promise<URL | undefined> => {
    const request = new URL(url);
    if (token && options.tokenQuery) request.searchParams.set(options.tokenQuery, token);
    const result = await fetchResource(request, {
      headers,
      validators: memo.get(url.href)?.validators,
      timeoutMs: options.timeoutS * 1000,
      maxBytes: options.maxBytes,
      signal: context.signal,
      followRedirects: token === undefined,
    });
    if (result.status === 'not_modified') {
      const next = memo.get(url.href)?.next;
      return next ? new URL(next) : undefined;
    }
    const sink = {
      reading: (reading: Reading) => {
        out.push(reading);
        context.sink.reading(reading);
      },
      rejected: context.sink.rejected,
    };
    const summary = readRecords(result.body, source, map, sink, `page ${page}`);
    const next = options.paging
      ? nextPage(url, { body: result.body, link: result.link, records: summary.records }, options.paging)
      : {};
    if (next.problem) context.sink.rejected('paging', `page ${page}: ${next.problem}`);
    memo.set(url.href, { validators: result.validators, next: next.url?.href });
    return next.url;
  };

  const poll = async (): Promise<Reading[]> => {
    const out: Reading[] = [];
    const seen = new Set<string>();
    let url: URL | undefined = firstPage(options);
    try {
      for (let page = 1; url; page++) {
        if (page > options.maxPages) {
          context.sink.rejected('paging', `stopped after maxPages (${options.maxPages}): more pages remain`);
          break;
        }
        if (seen.has(url.href)) {
          context.sink.rejected('paging', `page ${page} is an earlier page again: stopped`);
          break;
        }
        seen.add(url.href);
        url = await readPage(url, page, out);
      }
    } catch (error) {
      const reason = error instanceof FetchError ? error.message : `unexpected: ${(error as Error).message}`;
      if (!context.signal.aborted) context.sink.state('down', reason);
      down = true;
      throw new Error(reason);
    }
    // Pages no longer on the path (a dated URL of an earlier day, a shorter series): forget them.
    for (const url of memo.keys()) if (!seen.has(url)) memo.delete(url);
    if (down) context.sink.state('up');
    down = false;
    return out;
  };

  return { poll, close: async () => {} };
}

function readToken(file: string): string {
  const token = readFileSync(file, 'utf8').split('\n')[0]?.trim();
  if (!token) throw new Error(`token file ${file} is empty`);
  return token;
}

/** The README's example: a booking platform's daily occupancy, JSON paged by a next link. */
export const OCCUPANCY_API = {
  url: 'https://partner.example/occupancy?limit=50',
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

function peerOf(url: string): ResourceClaim[] {
  const u = new URL(url);
  return [{ kind: 'tcp', host: u.hostname, port: Number(u.port || (u.protocol === 'https:' ? 443 : 80)) }];
}

export const driver: DriverDefinition<HttpOptions> = {
  name: 'http',
  description: 'a partner or open-data resource over HTTP(S), JSON or CSV, polled with conditional requests and paging',
  mode: 'poll',
  options: httpOptions,
  example: OCCUPANCY_API,
  resources: (options) => peerOf(options.url),
  emits: (options) => mappingEmissions(options?.mapping),
  open,
};
