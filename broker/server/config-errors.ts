import type { Document, LineCounter } from 'yaml';
import { isNode } from 'yaml';
import type { z } from 'zod';

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
