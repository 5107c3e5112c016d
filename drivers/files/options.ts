import * as z from 'zod';
import { recordSourceKeys } from '../records/schema.js';

export const filesOptions = z
  .strictObject({
    folder: z.string().min(1).describe('the drop folder (an SFTP or SMB share mounted on the gateway)'),
    format: z.enum(['csv', 'json']).optional().describe('default: by extension (.csv, .txt → csv; .json → json)'),
    ...recordSourceKeys,
    extensions: z
      .array(z.string().regex(/^\.[A-Za-z0-9]+$/, 'an extension such as .csv'))
      .min(1)
      .default(['.csv', '.json'])
      .describe('files read; others (and .part, .tmp, .filepart, dotfiles) are left alone'),
    settleScans: z
      .number()
      .int()
      .min(1)
      .max(100)
      .default(1)
      .describe('scans a file must be seen unchanged (size, mtime) before it is read'),
    minAgeS: z.number().min(0).max(86_400).default(5).describe('and at least this old (mtime), in seconds'),
    maxBytes: z
      .number()
      .int()
      .min(1)
      .default(64 * 1024 * 1024)
      .describe('a larger file goes to rejected/ unread'),
    journal: z
      .string()
      .min(1)
      .optional()
      .describe('journal of the files read (default: <folder>/.tidegate-journal.jsonl)'),
  })
  .superRefine((o, ctx) => {
    if (o.format === undefined && o.extensions.some((e) => !formatOf(e)))
      ctx.addIssue({
        code: 'custom',
        path: ['format'],
        message: `no format for ${o.extensions.filter((e) => !formatOf(e)).join(', ')}: set format: csv or json`,
      });
  });

export type FilesOptions = z.infer<typeof filesOptions>;

export function formatOf(extension: string): 'csv' | 'json' | undefined {
  const e = extension.toLowerCase();
  return e === '.json' ? 'json' : e === '.csv' || e === '.txt' ? 'csv' : undefined;
}
