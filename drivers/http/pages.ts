import { DateTime } from 'luxon';
import { selectJson } from '../records/parse.js';
import { nextFromLinkHeader } from './fetch.js';
import type { HttpOptions } from './options.js';

/**
 * Which page comes after this one: by a next link (in the JSON body or the Link header) or by an offset
 * parameter (while pages are full). A next link is resolved against the page's URL and must stay on
 * the same origin: the request headers, and the token, never go to another host.
 */
export function nextPage(
  current: URL,
  page: { body: Uint8Array; link?: string; records: number },
  paging: NonNullable<HttpOptions['paging']>,
): { url?: URL; problem?: string } {
  if ('offsetParam' in paging) {
    if (page.records < paging.pageSize) return {};
    const url = new URL(current);
    const offset = Number(url.searchParams.get(paging.offsetParam) ?? 0);
    url.searchParams.set(paging.offsetParam, String(offset + paging.pageSize));
    if (paging.limitParam) url.searchParams.set(paging.limitParam, String(paging.pageSize));
    return { url };
  }
  const target =
    paging.nextLink === 'link-header' ? nextFromLinkHeader(page.link) : jsonNext(page.body, paging.nextLink);
  if (!target) return {};
  let url: URL;
  try {
    url = new URL(target, current);
  } catch {
    return { problem: `next link "${target.slice(0, 80)}" is not a URL` };
  }
  if (url.origin !== current.origin) return { problem: `next link to another origin (${url.origin}) refused` };
  return { url };
}

/** The first page: the configured URL, with the offset paging parameters when the API takes them. */
export function firstPage(options: HttpOptions, nowMs = Date.now()): URL {
  const url = new URL(expandUrl(options.url, options.mapping.time.timeZone, nowMs));
  const paging = options.paging;
  if (paging && 'offsetParam' in paging) {
    if (!url.searchParams.has(paging.offsetParam)) url.searchParams.set(paging.offsetParam, '0');
    if (paging.limitParam) url.searchParams.set(paging.limitParam, String(paging.pageSize));
  }
  return url;
}

function jsonNext(body: Uint8Array, path: string): string | undefined {
  try {
    const found = selectJson(JSON.parse(Buffer.from(body).toString('utf8')), path)[0];
    return typeof found === 'string' && found.trim() ? found : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `{today:yyyy-MM-dd}` and `{yesterday:yyyy-MM-dd}` in a URL become that day's date (Luxon format) in
 * the mapping's time zone: open-data portals often publish one file per day.
 */
export function expandUrl(template: string, timeZone: string, nowMs: number): string {
  const now = DateTime.fromMillis(nowMs, { zone: timeZone });
  return template.replace(/\{(today|yesterday):([^}]+)\}/g, (_, day: string, format: string) =>
    (day === 'today' ? now : now.minus({ days: 1 })).toFormat(format),
  );
}
