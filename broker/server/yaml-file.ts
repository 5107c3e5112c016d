import { readFileSync } from 'node:fs';
import { type Document, isNode, LineCounter, parseDocument } from 'yaml';
import type * as z from 'zod';

/** Parses a YAML file against a schema; errors name the file, line and key. Relative paths stay as written. */
export function loadYaml<S extends z.ZodType>(file: string, schema: S): z.output<S> {
  const text = readFileSync(file, 'utf8');
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new Error(`${file}:${e.linePos?.[0].line ?? 1}: ${e.message.split('\n')[0]}`);
  }
  const parsed = schema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) throw new Error(describeIssue(file, doc, lineCounter, parsed.error.issues[0]!));
  return parsed.data;
}

/** "file:line: key.path: message" for the first zod issue of a YAML document. */
export function describeIssue(file: string, doc: Document, lineCounter: LineCounter, issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String);
  // Point at the unknown key itself rather than at the map holding it.
  if (issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined) path.push(issue.keys[0]);
  let line = 1;
  // Walk down as far as the document has the path; report the deepest node that exists.
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) {
      line = lineCounter.linePos(node.range[0]).line;
      break;
    }
  }
  const key = path.length > 0 ? path.join('.') : '(top level)';
  return `${file}:${line}: ${key}: ${issue.message}`;
}
