import { describe, expect, it } from 'vitest';
import { nextFromLinkHeader } from './fetch.js';
import { nextPage } from './pages.js';

const page = (body: unknown, link?: string, records = 10) => ({
  body: Buffer.from(JSON.stringify(body)),
  link,
  records,
});

describe('next page', () => {
  it('reads an RFC 8288 Link header (GitHub-style, several relations, quoted or not)', () => {
    const link = '<https://api.x/items?page=3>; rel="next", <https://api.x/items?page=9>; rel="last"';
    expect(nextFromLinkHeader(link)).toBe('https://api.x/items?page=3');
    expect(nextFromLinkHeader('<https://api.x/2>; rel=next')).toBe('https://api.x/2');
    expect(nextFromLinkHeader('<https://api.x/1>; rel="prev first"')).toBeUndefined();
    expect(nextFromLinkHeader('<https://api.x/2>; title="next"; rel="nextpage"')).toBeUndefined();
    expect(nextFromLinkHeader(undefined)).toBeUndefined();
  });

  it('resolves a relative next link and refuses one to another origin (the token stays home)', () => {
    const current = new URL('https://api.x/v1/items?limit=5');
    expect(nextPage(current, page({ next: '/v1/items?cursor=b' }), { nextLink: '$.next' }).url?.href).toBe(
      'https://api.x/v1/items?cursor=b',
    );
    expect(nextPage(current, page({ next: 'https://evil.example/steal' }), { nextLink: '$.next' })).toEqual({
      problem: 'next link to another origin (https://evil.example) refused',
    });
    expect(nextPage(current, page({ next: null }), { nextLink: '$.next' })).toEqual({});
    expect(
      nextPage(current, page({}, '<https://api.x/v1/items?page=2>; rel="next"'), { nextLink: 'link-header' }).url?.href,
    ).toBe('https://api.x/v1/items?page=2');
  });

  it('offset paging goes on while pages are full', () => {
    const paging = { offsetParam: 'offset', limitParam: 'limit', pageSize: 10 };
    const current = new URL('https://api.x/items?offset=20&limit=10');
    expect(nextPage(current, page({}, undefined, 10), paging).url?.search).toBe('?offset=30&limit=10');
    expect(nextPage(current, page({}, undefined, 9), paging)).toEqual({});
  });
});
