import { type FieldValue, INT64_MAX, INT64_MIN, type Reading } from '../reading.js';
import { nameProblem, unescapeName, unescapeStringField } from './escape.js';

/** A line that could not be read: where, and why. Line and column are 1-based. */
export interface LineError {
  line: number;
  column: number;
  reason: string;
  /** The start of the offending line, cut to 120 characters. */
  excerpt: string;
}

export interface DecodeResult {
  readings: Reading[];
  errors: LineError[];
}

export interface DecodeOptions {
  /** Time given to lines that carry none; without it such lines are errors. */
  defaultTime?: bigint;
}

class LineSyntaxError {
  constructor(
    readonly index: number,
    readonly reason: string,
  ) {}
}

/**
 * Reads InfluxDB 1.x line protocol. Never throws on bad input: every line it cannot read becomes an
 * entry of `errors` with a reason and a position, and the lines around it are still read. Runs in
 * time linear in the input.
 */
export function decodeLines(text: string, options: DecodeOptions = {}): DecodeResult {
  const readings: Reading[] = [];
  const errors: LineError[] = [];
  let lineNo = 0;
  for (const line of splitLines(text)) {
    lineNo++;
    const body = line.endsWith('\r') ? line.slice(0, -1) : line;
    const start = skipSpaces(body, 0);
    if (start >= body.length || body[start] === '#') continue;
    try {
      readings.push(parseLine(body, start, options));
    } catch (e) {
      if (!(e instanceof LineSyntaxError)) throw e;
      errors.push({ line: lineNo, column: e.index + 1, reason: e.reason, excerpt: body.slice(0, 120) });
    }
  }
  return { readings, errors };
}

/** Decodes exactly one line; throws an Error naming the reason and column when it cannot. */
export function decodeLine(text: string, options: DecodeOptions = {}): Reading {
  const { readings, errors } = decodeLines(text, options);
  const first = errors[0];
  if (first) throw new Error(`line protocol, column ${first.column}: ${first.reason}`);
  if (readings.length !== 1) throw new Error(`expected one line, found ${readings.length}`);
  return readings[0] as Reading;
}

/**
 * Splits on newlines the way InfluxDB 1.x does: a backslash escapes the next character and a newline
 * inside a quoted string field belongs to the string.
 */
export function* splitLines(text: string): Generator<string> {
  let start = 0;
  let i = 0;
  let inFields = false;
  let quoted = false;
  let equals = 0;
  let commas = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\' && i + 1 < text.length) {
      i += 2;
      continue;
    }
    if (c === '\n' && !quoted) {
      yield text.slice(start, i);
      i++;
      start = i;
      inFields = false;
      equals = 0;
      commas = 0;
      continue;
    }
    if (c === ' ' && !quoted) inFields = true;
    else if (inFields && !quoted && c === '=') equals++;
    else if (inFields && !quoted && c === ',') commas++;
    else if (inFields && c === '"' && equals > commas) quoted = !quoted;
    i++;
  }
  if (start < text.length) yield text.slice(start);
}

function skipSpaces(s: string, i: number): number {
  while (i < s.length && s[i] === ' ') i++;
  return i;
}

/** Index of the first unescaped character of `stops` from i (or s.length). */
function scanName(s: string, i: number, stops: string): number {
  while (i < s.length) {
    const c = s[i] as string;
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (stops.includes(c)) return i;
    i++;
  }
  return s.length;
}

function checkedName(s: string, from: number, to: number, kind: Parameters<typeof nameProblem>[1]): string {
  const name = unescapeName(s.slice(from, Math.min(to, s.length)));
  const problem = nameProblem(name, kind);
  if (problem) throw new LineSyntaxError(from, problem);
  return name;
}

function parseLine(s: string, start: number, options: DecodeOptions): Reading {
  let i = scanName(s, start, ', ');
  const measurement = checkedName(s, start, i, 'measurement');

  const tags: Record<string, string> = Object.create(null);
  while (s[i] === ',') {
    const keyStart = i + 1;
    const eq = scanName(s, keyStart, '=, ');
    if (s[eq] !== '=') throw new LineSyntaxError(eq, 'tag without "="');
    const key = checkedName(s, keyStart, eq, 'tag key');
    const valueEnd = scanName(s, eq + 1, ', ');
    const value = checkedName(s, eq + 1, valueEnd, 'tag value');
    if (key in tags) throw new LineSyntaxError(keyStart, `duplicate tag key "${key}"`);
    tags[key] = value;
    i = valueEnd;
  }
  if (s[i] !== ' ') throw new LineSyntaxError(i, 'missing fields');
  i = skipSpaces(s, i);
  if (i >= s.length) throw new LineSyntaxError(i, 'missing fields');

  const fields: Record<string, FieldValue> = Object.create(null);
  for (;;) {
    const keyStart = i;
    const eq = scanName(s, keyStart, '=, ');
    if (s[eq] !== '=') throw new LineSyntaxError(eq, 'field without "="');
    const key = checkedName(s, keyStart, eq, 'field key');
    if (key in fields) throw new LineSyntaxError(keyStart, `duplicate field key "${key}"`);
    const [value, end] = parseFieldValue(s, eq + 1);
    fields[key] = value;
    i = end;
    if (s[i] === ',') {
      i++;
      continue;
    }
    break;
  }

  let time = options.defaultTime;
  if (i < s.length) {
    if (s[i] !== ' ') throw new LineSyntaxError(i, `unexpected "${s[i]}" after field value`);
    i = skipSpaces(s, i);
    if (i < s.length) {
      let end = i;
      while (end < s.length && s[end] !== ' ') end++;
      time = parseTimestamp(s, i, end);
      if (skipSpaces(s, end) < s.length) throw new LineSyntaxError(end, 'unexpected text after timestamp');
    }
  }
  if (time === undefined) throw new LineSyntaxError(s.length, 'missing timestamp');
  return { measurement, tags, fields, time };
}

const FLOAT = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+i$/;
const TRUE = new Set(['t', 'T', 'true', 'True', 'TRUE']);
const FALSE = new Set(['f', 'F', 'false', 'False', 'FALSE']);

function parseFieldValue(s: string, start: number): [FieldValue, number] {
  if (s[start] === '"') {
    let i = start + 1;
    while (i < s.length && s[i] !== '"') i += s[i] === '\\' ? 2 : 1;
    if (i >= s.length) throw new LineSyntaxError(start, 'unterminated string field');
    return [unescapeStringField(s.slice(start + 1, i)), i + 1];
  }
  let end = start;
  while (end < s.length && s[end] !== ',' && s[end] !== ' ') end++;
  const token = s.slice(start, end);
  if (token.length === 0) throw new LineSyntaxError(start, 'missing field value');
  if (TRUE.has(token)) return [true, end];
  if (FALSE.has(token)) return [false, end];
  if (INTEGER.test(token)) {
    const value = BigInt(token.slice(0, -1));
    if (value < INT64_MIN || value > INT64_MAX) throw new LineSyntaxError(start, 'integer out of int64 range');
    return [value, end];
  }
  if (/^[+-]?\d+u$/.test(token)) throw new LineSyntaxError(start, 'unsigned integers are not accepted by InfluxDB 1.x');
  if (FLOAT.test(token)) {
    const value = Number(token);
    if (!Number.isFinite(value)) throw new LineSyntaxError(start, 'float out of range');
    return [value, end];
  }
  throw new LineSyntaxError(start, `invalid field value "${token.slice(0, 40)}"`);
}

function parseTimestamp(s: string, start: number, end: number): bigint {
  const token = s.slice(start, end);
  if (!/^-?\d{1,19}$/.test(token)) throw new LineSyntaxError(start, `invalid timestamp "${token.slice(0, 40)}"`);
  const value = BigInt(token);
  if (value < INT64_MIN || value > INT64_MAX) throw new LineSyntaxError(start, 'timestamp out of int64 range');
  return value;
}
