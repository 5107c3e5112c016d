/**
 * A single-pass check of one line of line protocol: accepts the lines `decodeLines` (wire/) accepts,
 * without building a Reading (no unescaping, no BigInt, no field objects), less the few that
 * InfluxDB 1.6 refuses although wire/ reads them (reasons starting with INFLUX_REFUSES: a number with
 * a leading "+", a timestamp at the very ends of int64). The ingestor passes good lines on as written,
 * so it only needs to know that a line is good and where its series key ends. Tested against
 * decodeLines on generated lines and against a real influxd (line-scan.influxdb.test.ts).
 */
export type FieldType = 'float' | 'integer' | 'string' | 'boolean';

export type LineScan =
  /**
   * A good line: `keyEnd` is the index of the space after "measurement,tags"; the measurement and field
   * keys are unescaped, `types` gives each field's type (for the catalogue check).
   */
  | { ok: true; keyEnd: number; namesTopicTag: boolean; measurement: string; fields: string[]; types: FieldType[] }
  | { ok: false; index: number; reason: string };

const SPACE = 32;
const COMMA = 44;
const EQUALS = 61;
const QUOTE = 34;
const BACKSLASH = 92;
const INT64_DIGITS = '9223372036854775807';
/** InfluxDB's time range: models.MinNanoTime (int64 min + 2) to MaxNanoTime (int64 max - 1). */
const MAX_TIME_DIGITS = '9223372036854775806';
export const INFLUX_REFUSES = 'InfluxDB refuses';
const LEADING_PLUS = `${INFLUX_REFUSES} a number with a leading "+"`;
const FLOAT = /[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
const BOOLEANS = new Set(['t', 'T', 'true', 'True', 'TRUE', 'f', 'F', 'false', 'False', 'FALSE']);

class Refused {
  constructor(
    readonly index: number,
    readonly reason: string,
  ) {}
}

/** Scans `s` (one line, no newline, not blank, not a comment) from its first non-space character. */
export function scanLine(s: string, start: number): LineScan {
  return scanPlainLine(s, start) ?? scanLineFully(s, start);
}

/** The full scanner, for any line (scanLine tries the plain-line path first). */
export function scanLineFully(s: string, start: number): LineScan {
  try {
    return scan(s, start);
  } catch (e) {
    if (e instanceof Refused) return { ok: false, index: e.index, reason: e.reason };
    throw e;
  }
}

function scan(s: string, start: number): LineScan {
  let i = nameEnd(s, start, false);
  const measurement = unescapeKey(checkName(s, start, i, 'measurement'));
  let namesTopicTag = false;
  const tagKeys: string[] = [];
  while (s.charCodeAt(i) === COMMA) {
    const keyStart = i + 1;
    const eq = nameEnd(s, keyStart, true);
    if (s.charCodeAt(eq) !== EQUALS) throw new Refused(eq, 'tag without "="');
    const key = checkName(s, keyStart, eq, 'tag key');
    if (key === 'gateway' || key === 'device') namesTopicTag = true;
    unique(tagKeys, key, keyStart, 'tag');
    i = nameEnd(s, eq + 1, false);
    checkName(s, eq + 1, i, 'tag value');
  }
  const keyEnd = i;
  if (s.charCodeAt(i) !== SPACE) throw new Refused(i, 'missing fields');
  while (s.charCodeAt(i) === SPACE) i++;
  if (i >= s.length) throw new Refused(i, 'missing fields');
  const fieldKeys: string[] = [];
  const types: FieldType[] = [];
  for (;;) {
    const keyStart = i;
    const eq = nameEnd(s, keyStart, true);
    if (s.charCodeAt(eq) !== EQUALS) throw new Refused(eq, 'field without "="');
    unique(fieldKeys, checkName(s, keyStart, eq, 'field key'), keyStart, 'field');
    i = fieldValueEnd(s, eq + 1);
    types.push(lastType);
    if (s.charCodeAt(i) !== COMMA) break;
    i++;
  }
  if (i >= s.length) throw new Refused(s.length, 'missing timestamp');
  if (s.charCodeAt(i) !== SPACE) throw new Refused(i, `unexpected "${s[i]}" after field value`);
  while (s.charCodeAt(i) === SPACE) i++;
  if (i >= s.length) throw new Refused(s.length, 'missing timestamp');
  let end = i;
  while (end < s.length && s.charCodeAt(end) !== SPACE) end++;
  checkTimestamp(s, i, end);
  while (s.charCodeAt(end) === SPACE) end++;
  if (end < s.length) throw new Refused(end, 'unexpected text after timestamp');
  return { ok: true, keyEnd, namesTopicTag, measurement, fields: fieldKeys, types };
}

/** Index of the first unescaped ',' or ' ' (and '=' for keys) from i, or s.length. */
function nameEnd(s: string, i: number, isKey: boolean): number {
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === BACKSLASH) i += 2;
    else if (c === COMMA || c === SPACE || (isKey && c === EQUALS)) return i;
    else i++;
  }
  return s.length;
}

/**
 * The rules of wire/'s `nameProblem`, checked on the escaped text: not empty, no control character,
 * a backslash that stays a backslash (not before , space = ") is neither last nor before another.
 * Returns the key (escaped text) for duplicate checks.
 */
function checkName(s: string, from: number, to: number, kind: string): string {
  const end = Math.min(to, s.length);
  if (end <= from) throw new Refused(from, `${kind} is empty`);
  for (let j = from; j < end; j++) {
    const c = s.charCodeAt(j);
    if (c < 0x20 || c === 0x7f)
      throw new Refused(from, `${kind} contains control character 0x${c.toString(16).padStart(2, '0')}`);
    if (c !== BACKSLASH) continue;
    const next = s.charCodeAt(j + 1);
    if (next === COMMA || next === SPACE || next === EQUALS || next === QUOTE) {
      j++;
      continue;
    }
    if (j + 1 >= end) throw new Refused(from, `${kind} ends with a backslash`);
    if (next === BACKSLASH) throw new Refused(from, `${kind} has a backslash before "\\"`);
  }
  const name = s.slice(from, end);
  if ((kind === 'tag key' || kind === 'field key') && name === 'time')
    throw new Refused(from, `${kind} "time" is reserved`);
  return name;
}

const unescapeKey = (raw: string) => (raw.includes('\\') ? raw.replace(/\\([, ="])/g, '$1') : raw);

/** Keys are compared unescaped, as InfluxDB and wire/ compare them. */
function unique(keys: string[], raw: string, at: number, kind: string): void {
  const key = unescapeKey(raw);
  if (keys.includes(key)) throw new Refused(at, `duplicate ${kind} key "${key}"`);
  keys.push(key);
}

/** The type of the field value `fieldValueEnd` last read. */
let lastType: FieldType = 'float';

function fieldValueEnd(s: string, start: number): number {
  if (s.charCodeAt(start) === QUOTE) {
    lastType = 'string';
    let i = start + 1;
    while (i < s.length && s.charCodeAt(i) !== QUOTE) i += s.charCodeAt(i) === BACKSLASH ? 2 : 1;
    if (i >= s.length) throw new Refused(start, 'unterminated string field');
    return i + 1;
  }
  let end = start;
  while (end < s.length && s.charCodeAt(end) !== COMMA && s.charCodeAt(end) !== SPACE) end++;
  if (end === start) throw new Refused(start, 'missing field value');
  // Only a number wire/ reads is refused for its "+" (InfluxDB's reason); anything else is invalid.
  const plus = s.charCodeAt(start) === 43;
  const last = s.charCodeAt(end - 1);
  if (last === 0x69 /* i */) {
    if (!isInt64(s, start, end - 1)) throw new Refused(start, invalid(s, start, end, 'integer'));
    if (plus) throw new Refused(start, LEADING_PLUS);
    lastType = 'integer';
    return end;
  }
  if (
    last === 0x75 /* u */ &&
    isDigits(s, s.charCodeAt(start) === 45 || s.charCodeAt(start) === 43 ? start + 1 : start, end - 1)
  )
    throw new Refused(start, 'unsigned integers are not accepted by InfluxDB 1.x');
  if (end - start <= 5 && BOOLEANS.has(s.slice(start, end))) {
    lastType = 'boolean';
    return end;
  }
  lastType = 'float';
  FLOAT.lastIndex = start;
  if (!FLOAT.test(s) || FLOAT.lastIndex !== end) throw new Refused(start, invalid(s, start, end, 'field'));
  // Only an exponent or a very long number can leave the float range.
  if (end - start > 300 || /[eE]/.test(s.slice(start, end))) {
    if (!Number.isFinite(Number(s.slice(start, end)))) throw new Refused(start, 'float out of range');
  }
  if (plus) throw new Refused(start, LEADING_PLUS);
  return end;
}

function invalid(s: string, start: number, end: number, what: string): string {
  const token = s.slice(start, Math.min(end, start + 40));
  return what === 'integer' ? `invalid or out-of-range integer "${token}"` : `invalid field value "${token}"`;
}

function isDigits(s: string, from: number, to: number): boolean {
  if (to <= from) return false;
  for (let j = from; j < to; j++) {
    const c = s.charCodeAt(j);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** [+-]digits within int64 (leading zeros allowed). */
function isInt64(s: string, from: number, to: number): boolean {
  const sign = s.charCodeAt(from);
  const negative = sign === 45;
  if (negative || sign === 43) from++;
  if (!isDigits(s, from, to)) return false;
  while (from < to - 1 && s.charCodeAt(from) === 48) from++;
  const n = to - from;
  if (n !== 19) return n < 19;
  const digits = s.slice(from, to);
  return negative ? digits <= '9223372036854775808' : digits <= INT64_DIGITS;
}

/** -?digits, at most 19 of them, within int64. */
function checkTimestamp(s: string, from: number, to: number): void {
  const negative = s.charCodeAt(from) === 45;
  const digitsFrom = negative ? from + 1 : from;
  const n = to - digitsFrom;
  if (n < 1 || n > 19 || !isDigits(s, digitsFrom, to))
    throw new Refused(from, `invalid timestamp "${s.slice(from, Math.min(to, from + 40))}"`);
  if (n === 19 && s.slice(digitsFrom, to) > (negative ? '9223372036854775808' : INT64_DIGITS))
    throw new Refused(from, 'timestamp out of int64 range');
  if (n === 19 && s.slice(digitsFrom, to) > MAX_TIME_DIGITS)
    throw new Refused(from, `${INFLUX_REFUSES} a timestamp beyond its time range`);
}

// The plain line, nearly every line a gateway sends: names without escapes, numbers without exponent,
// no string or boolean field, a positive timestamp. One compiled regular expression checks its shape
// (five times faster than the character loop above); anything else goes to the full scanner.
const NAME = '[A-Za-z0-9_.:/-]+';
const NUMBER = '-?(?:\\d{1,100}(?:\\.\\d{0,100})?|\\.\\d{1,100})';
const VALUE = `(?:${NUMBER}|-?\\d{1,18}i)`;

/** A plain line's name and field value, as regular-expression source (plain-message.ts uses them too). */
export { NAME as PLAIN_NAME, NUMBER as PLAIN_NUMBER, VALUE as PLAIN_VALUE };

const PLAIN = new RegExp(`(${NAME})((?:,${NAME}=${NAME})*) (${NAME}=${VALUE}(?:,${NAME}=${VALUE})*) (\\d{1,19})$`, 'y');

/** Tag keys of a plain tag set (",k=v,k=v"): whether one is gateway or device; undefined when refused. */
function plainTags(tags: string): boolean | undefined {
  let namesTopicTag = false;
  const keys: string[] = [];
  for (let i = 0; i < tags.length; ) {
    const eq = tags.indexOf('=', i);
    const key = tags.slice(i + 1, eq);
    if (key === 'time' || keys.includes(key)) return undefined;
    if (key === 'gateway' || key === 'device') namesTopicTag = true;
    keys.push(key);
    const next = tags.indexOf(',', eq);
    i = next < 0 ? tags.length : next;
  }
  return namesTopicTag;
}

/** A plain line's scan, or undefined when the line is not plain (or is refused: the full scan says why). */
function scanPlainLine(s: string, start: number): LineScan | undefined {
  PLAIN.lastIndex = start;
  const m = PLAIN.exec(s);
  if (!m) return undefined;
  const measurement = m[1] as string;
  const tags = m[2] as string;
  const fieldText = m[3] as string;
  const time = m[4] as string;
  if (time.length === 19 && time > MAX_TIME_DIGITS) return undefined;
  const namesTopicTag = plainTags(tags);
  if (namesTopicTag === undefined) return undefined;
  const fields: string[] = [];
  const types: FieldType[] = [];
  for (let i = 0; i < fieldText.length; ) {
    const eq = fieldText.indexOf('=', i);
    const key = fieldText.slice(i, eq);
    if (key === 'time' || fields.includes(key)) return undefined;
    fields.push(key);
    let end = fieldText.indexOf(',', eq);
    if (end < 0) end = fieldText.length;
    types.push(fieldText.charCodeAt(end - 1) === 0x69 /* i */ ? 'integer' : 'float');
    i = end + 1;
  }
  return { ok: true, keyEnd: start + measurement.length + tags.length, namesTopicTag, measurement, fields, types };
}
