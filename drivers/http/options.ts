import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { recordSourceKeys } from '../records/schema.js';

/** Headers that carry credentials: they come from `tokenFile`, never from the config file. */
const CREDENTIAL_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'x-api-key',
  'apikey',
  'api-key',
]);

const paging = z.union([
  z.strictObject({
    nextLink: z
      .string()
      .min(1)
      .describe(
        'JSONPath of the next page URL in a JSON body, or "link-header" for an RFC 8288 Link: <...>; rel="next"',
      ),
  }),
  z.strictObject({
    offsetParam: z.string().min(1).describe('query parameter of the first record of a page (offset)'),
    limitParam: z.string().min(1).optional().describe('query parameter of the page size, when the API takes one'),
    pageSize: z.number().int().min(1).max(100_000).describe('records per page: a shorter page is the last one'),
  }),
]);

export const httpOptions = z
  .strictObject({
    url: z
      .string()
      .refine((u) => URL.canParse(u.replace(/\{[^}]*\}/g, 'x')) && /^https?:\/\//.test(u), 'an http:// or https:// URL')
      .describe('the resource, polled every `every`; {today:yyyy-MM-dd} / {yesterday:...} become the date'),
    format: z.enum(['csv', 'json']),
    ...recordSourceKeys,
    headers: z
      .record(z.string().min(1), z.string())
      .default({})
      .superRefine((headers, ctx) => {
        for (const name of Object.keys(headers))
          if (CREDENTIAL_HEADERS.has(name.toLowerCase()))
            ctx.addIssue({
              code: 'custom',
              path: [name],
              message: `header ${name} carries a credential: put it in tokenFile (with tokenHeader/tokenPrefix)`,
            });
      }),
    tokenFile: z
      .string()
      .min(1)
      .optional()
      .superRefine((file, ctx) => {
        const problem = file === undefined ? undefined : tokenFileProblem(file);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .describe('file holding the API token (first line, trimmed; mode 0600)'),
    tokenHeader: z.string().min(1).default('Authorization').describe('header the token goes in'),
    tokenPrefix: z.string().default('Bearer ').describe('written before the token in its header'),
    tokenQuery: z.string().min(1).optional().describe('send the token as this query parameter instead of a header'),
    paging: paging.optional(),
    maxPages: z.number().int().min(1).max(1000).default(20).describe('a poll reads at most this many pages'),
    timeoutS: z.number().min(0.1).max(600).default(30).describe('per request, headers and body'),
    maxBytes: z
      .number()
      .int()
      .min(1024)
      .default(16 * 1024 * 1024)
      .describe('a larger body is refused'),
  })
  .superRefine((o, ctx) => {
    if (o.paging && 'nextLink' in o.paging && o.paging.nextLink !== 'link-header' && o.format !== 'json')
      ctx.addIssue({
        code: 'custom',
        path: ['paging', 'nextLink'],
        message: 'a JSONPath next link needs format: json',
      });
    if (o.tokenQuery && !o.tokenFile)
      ctx.addIssue({ code: 'custom', path: ['tokenQuery'], message: 'tokenQuery needs tokenFile' });
  });

export type HttpOptions = z.infer<typeof httpOptions>;

/** Why a token file cannot be used (named, never its content), or undefined. */
export function tokenFileProblem(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').split('\n')[0]?.trim() ? undefined : `token file ${file} is empty`;
  } catch (e) {
    return `cannot read token file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
  }
}
