import { fieldProblem } from '../../wire/index.js';
import { PLAIN_NAME, PLAIN_NUMBER, PLAIN_VALUE } from './line-scan.js';

const MAX_UNCATALOGUED = 10;
/** Line shapes remembered (a gateway sends a handful); past this, the memory starts again. */
const MAX_SHAPES = 512;
/** A timestamp below 9e18 (beyond, the line scanner decides). */
const TIME = '(?:\\d{1,18}|[0-8]\\d{18})';
const NAME = new RegExp(`^${PLAIN_NAME}$`);

/**
 * A whole line: from a newline or the start to a newline or the end (not the `m` flag's ^ and $, which
 * also match at "\r", U+2028 and U+2029).
 */
const lineOf = (series: string, rest: string) => new RegExp(`(?<![^\n])(${series})( ${rest} ${TIME})(?![^\n])`, 'g');
/** Any plain line (line-scan.ts), its series key and the rest captured. */
const PLAIN_LINE = lineOf(
  `${PLAIN_NAME}(?:,${PLAIN_NAME}=${PLAIN_NAME})*`,
  `${PLAIN_NAME}=${PLAIN_VALUE}(?:,${PLAIN_NAME}=${PLAIN_VALUE})*`,
);
/** A line's shape: its timestamp stripped, then each value ("=i" where it is an integer). */
const LINE_TIME = / \d+$/gm;
const VALUES = /=(?:-?\d+(i)(?=,|$)|[^, \n]*)/gm;

interface Shape {
  /** The plain lines of this shape (names as they are, values and time as plain lines have them). */
  line: RegExp;
  uncatalogued: string[];
}
const shapes = new Map<string, Shape | null>();

export interface PlainMessage {
  lines: string;
  points: number;
  uncatalogued?: string[];
}

/**
 * A message whose every line is plain (line-scan.ts), checked and tagged by compiled regular
 * expressions over its whole text instead of line by line (a gateway's messages are such, and the
 * per-line work was most of the ingestor's time). A replace checks each line and inserts the topic's
 * tags after its series key; the output is one tag set longer per line exactly when every line matched.
 * The regular expression is the one for the first line's shape (its measurement, tag keys, field keys
 * and types, built once per shape and remembered), so what a shape must also be (keys unique and not
 * "time", no gateway or device tag) and the catalogue check are done once per shape. A message of
 * several shapes is checked with the regular expression of any plain line, then once per distinct shape.
 * Undefined when the message is not such: each line then goes through the line scanner, which gives the
 * same result for plain lines (plain-message.test.ts).
 */
export function plainMessage(text: string, topicTags: string): PlainMessage | undefined {
  let lines = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
  const expected = text.length + lines * topicTags.length;
  const replacement = `$1${topicTags.replaceAll('$', '$$$$')}$2`;
  const firstEnd = text.indexOf('\n');
  const first = shapeOf(shapeKey(firstEnd < 0 ? text : text.slice(0, firstEnd)));
  if (first) {
    const tagged = text.replace(first.line, replacement);
    if (tagged.length === expected) return result(tagged, lines, first.uncatalogued);
  }
  const tagged = text.replace(PLAIN_LINE, replacement);
  if (tagged.length !== expected) return undefined;
  const uncatalogued = new Set<string>();
  for (const key of new Set(shapeKey(text).split('\n'))) {
    const shape = shapeOf(key);
    if (!shape) return undefined;
    for (const problem of shape.uncatalogued) if (uncatalogued.size < MAX_UNCATALOGUED) uncatalogued.add(problem);
  }
  return result(tagged, lines, [...uncatalogued]);
}

function result(lines: string, points: number, uncatalogued: string[]): PlainMessage {
  return uncatalogued.length > 0 ? { lines, points, uncatalogued: [...uncatalogued] } : { lines, points };
}

/** "measurement,tagkey=,… fieldkey=[i],…" for each line of the text. */
function shapeKey(text: string): string {
  return text.replace(LINE_TIME, '').replace(VALUES, '=$1');
}

function shapeOf(key: string): Shape | null {
  let shape = shapes.get(key);
  if (shape !== undefined) return shape;
  shape = buildShape(key);
  if (shapes.size >= MAX_SHAPES) shapes.clear();
  shapes.set(key, shape);
  return shape;
}

/** Null when lines of this shape are for the line scanner to decide. */
function buildShape(key: string): Shape | null {
  const space = key.indexOf(' ');
  if (space < 0) return null;
  const [measurement, ...tags] = key.slice(0, space).split(',');
  const tagKeys = tags.map((t) => (t.endsWith('=') ? t.slice(0, -1) : ''));
  const fields = key.slice(space + 1).split(',');
  const fieldKeys = fields.map((f) => f.replace(/=i?$/, ''));
  const integer = fields.map((f) => f.endsWith('=i'));
  if (!NAME.test(measurement!) || !plainKeys(tagKeys) || !plainKeys(fieldKeys)) return null;
  if (tagKeys.includes('gateway') || tagKeys.includes('device')) return null;
  const uncatalogued = new Set<string>();
  for (let f = 0; f < fields.length; f++) {
    const problem = fieldProblem(measurement!, fieldKeys[f]!, integer[f] ? 'integer' : 'float');
    if (problem && uncatalogued.size < MAX_UNCATALOGUED) uncatalogued.add(problem);
  }
  const series = regexpEscaped(measurement!) + tagKeys.map((k) => `,${regexpEscaped(k)}=${PLAIN_NAME}`).join('');
  const values = fieldKeys.map((k, f) => `${regexpEscaped(k)}=${integer[f] ? '-?\\d{1,18}i' : PLAIN_NUMBER}`).join(',');
  return { line: lineOf(series, values), uncatalogued: [...uncatalogued] };
}

function plainKeys(keys: string[]): boolean {
  return keys.every((k) => NAME.test(k) && k !== 'time') && new Set(keys).size === keys.length;
}

function regexpEscaped(name: string): string {
  return name.replace(/[.\\/-]/g, '\\$&');
}
