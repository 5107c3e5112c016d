import type * as z from 'zod';
import type { RawProblem } from './checks.js';
import { Duration } from './schema.js';
import { closest, knownKeys, schemasAt, unwrap } from './suggest.js';

type Schema = z.core.$ZodType;
type Issue = z.core.$ZodIssue;

/** What an issue is read against: the schema that raised it, the value it saw, keys valid beside it. */
export interface IssueContext {
  schema?: Schema;
  input?: unknown;
  /** Keys accepted at the issue's root besides the schema's (a device's common keys beside its driver's options). */
  alsoKnown?: readonly string[];
}

/**
 * One zod issue as problems at keys, in a technician's words: zod's own text ("expected number, received
 * string") is rewritten with a hint, an unknown key gets the known key it was probably meant to be.
 */
export function issueProblems(issue: Issue, base: PropertyKey[] = [], context: IssueContext = {}): RawProblem[] {
  const path = [...base, ...issue.path];
  if (issue.code === 'unrecognized_keys') {
    const known = [
      ...(context.schema ? knownKeys(context.schema, issue.path) : []),
      ...(issue.path.length === 0 ? (context.alsoKnown ?? []) : []),
    ];
    return issue.keys.map((key) => ({
      path: [...path, key],
      message: `unknown key "${key}"`,
      hint: keyHint(key, known),
    }));
  }
  if (issue.code === 'invalid_union' && 'errors' in issue && Array.isArray(issue.errors)) {
    // A bus is serial or TCP: report the alternative that came closest (fewest issues, no unknown keys).
    const score = (issues: Issue[]) => issues.length + (issues.some((i) => i.code === 'unrecognized_keys') ? 0.5 : 0);
    const alternatives = issue.errors as Issue[][];
    const best = alternatives.indexOf([...alternatives].sort((a, b) => score(a) - score(b))[0]!);
    const inner: IssueContext = {
      schema: context.schema && schemasAt(context.schema, issue.path)[best],
      input: valueAt(context.input, issue.path),
    };
    if (alternatives[best]?.length) return alternatives[best].flatMap((i) => issueProblems(i, path, inner));
  }
  const value = valueAt(context.input, issue.path);
  const schemas = context.schema ? schemasAt(context.schema, issue.path) : [];
  return [{ path, ...describe(issue, value, schemas, path) }];
}

function keyHint(key: string, known: readonly string[]): string | undefined {
  const match = closest(key, known);
  if (match) return `did you mean "${match}"?`;
  return known.length ? `keys here: ${known.join(', ')}` : undefined;
}

function describe(issue: Issue, value: unknown, schemas: Schema[], path: PropertyKey[]): Omit<RawProblem, 'path'> {
  const name = String(path[path.length - 1] ?? 'value');
  const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
  if (issue.code === 'invalid_type') {
    const expected = issue.expected;
    if (value === undefined) return { message: 'required, but missing' };
    if (schemas.some((s) => s === unwrap(Duration)) && typeof value === 'number')
      return { message: `${value} has no unit`, hint: `a duration: ${name}: ${value}s (or ${value}ms, ${value}m)` };
    if (expected === 'number' && typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value)))
      return {
        message: `${shown} is text, a number is expected`,
        hint: `write it without quotes: ${name}: ${value.trim()}`,
      };
    if (expected === 'boolean' && typeof value === 'string')
      return {
        message: `${shown} is text, true or false is expected`,
        hint: `${name}: true or ${name}: false, without quotes`,
      };
    if (expected === 'string' && (typeof value === 'number' || typeof value === 'boolean'))
      return { message: `${shown} is a ${typeof value}, text is expected`, hint: `quote it: ${name}: "${value}"` };
    if (expected === 'object')
      return {
        message: `a section of keys is expected, found ${kind(value)}`,
        hint: 'write its keys on the lines below, indented by two spaces (or { key: value, ... })',
      };
    if (expected === 'array')
      return {
        message: `a list is expected, found ${kind(value)}`,
        hint: 'one item per line, each starting with "- "',
      };
    return { message: `${expected === 'number' ? 'a number' : expected} is expected, found ${kind(value)}` };
  }
  if (issue.code === 'invalid_value' && 'values' in issue) {
    const allowed = (issue.values as unknown[]).map(String);
    const match = typeof value === 'string' ? closest(value, allowed) : undefined;
    return {
      message: `${shown} is not one of: ${allowed.join(', ')}`,
      hint: match ? `did you mean "${match}"?` : undefined,
    };
  }
  if (issue.code === 'too_small' && 'minimum' in issue)
    return issue.origin === 'string'
      ? { message: 'must not be empty' }
      : { message: `${shown} is below the minimum, ${String(issue.minimum)}` };
  if (issue.code === 'too_big' && 'maximum' in issue)
    return { message: `${shown} is above the maximum, ${String(issue.maximum)}` };
  return { message: issue.message };
}

function kind(value: unknown): string {
  if (value === null) return 'nothing (null)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a section';
  return `${typeof value === 'string' ? 'text' : `a ${typeof value}`} (${typeof value === 'string' ? JSON.stringify(value) : String(value)})`;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let node = input;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}
