import {
  decodeLines,
  encodeLine,
  type FieldValue,
  fieldProblem,
  type LineError,
  splitLines,
  type Topics,
} from '../../wire/index.js';

export interface DecodedMessage {
  /** Line protocol to store, with `gateway` and `device` tags from the topic; empty when nothing is usable. */
  lines: string;
  points: number;
  /** Why the message or some of its lines were not taken. */
  rejection?: { reason: string; errors: LineError[] };
  /**
   * Fields the measurement catalogue (wire/catalogue) does not know, or knows with another type: written
   * all the same (nothing is lost), but counted, since they get no rollup and may conflict in InfluxDB.
   */
  uncatalogued?: string[];
}

const MAX_UNCATALOGUED = 10;

function fieldType(value: FieldValue): 'float' | 'integer' | 'string' | 'boolean' {
  if (typeof value === 'number') return 'float';
  if (typeof value === 'bigint') return 'integer';
  return typeof value === 'string' ? 'string' : 'boolean';
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * One MQTT data message → line protocol for InfluxDB. The gateway and device come from the topic,
 * never from the payload, so a gateway cannot write as another.
 */
export function decodeDataMessage(topics: Topics, topic: string, payload: Uint8Array): DecodedMessage {
  const parsed = topics.parse(topic);
  if (parsed?.kind !== 'data' || !parsed.device)
    return { lines: '', points: 0, rejection: { reason: `not a data topic: ${topic.slice(0, 200)}`, errors: [] } };
  let text: string;
  try {
    text = utf8.decode(payload);
  } catch {
    return { lines: '', points: 0, rejection: { reason: 'payload is not valid UTF-8', errors: [] } };
  }
  // Each line is checked by the wire decoder; a good line is passed on as written, with the topic's
  // tags added, unless it names gateway or device itself (then it is re-encoded without them).
  // Topics.parse has checked both ids against ID_PATTERN: nothing in them needs escaping.
  const topicTags = `,device=${parsed.device},gateway=${parsed.gateway}`;
  const out: string[] = [];
  const errors: LineError[] = [];
  const uncatalogued = new Set<string>();
  let lineNo = 0;
  for (const raw of splitLines(text)) {
    lineNo++;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const decoded = decodeLines(line);
    for (const e of decoded.errors) errors.push({ ...e, line: lineNo });
    const reading = decoded.readings[0];
    if (!reading) continue;
    for (const [field, value] of Object.entries(reading.fields)) {
      const problem = fieldProblem(reading.measurement, field, fieldType(value));
      if (problem && uncatalogued.size < MAX_UNCATALOGUED) uncatalogued.add(problem);
    }
    let start = 0;
    while (line.charCodeAt(start) === 32) start++;
    const keyEnd = seriesKeyEnd(line, start);
    const key = line.slice(start, keyEnd);
    if (key.includes('gateway=') || key.includes('device=')) {
      reading.tags.gateway = parsed.gateway;
      reading.tags.device = parsed.device;
      out.push(encodeLine(reading));
    } else out.push(key + topicTags + line.slice(keyEnd));
  }
  const result: DecodedMessage = { lines: out.join('\n'), points: out.length };
  if (uncatalogued.size > 0) result.uncatalogued = [...uncatalogued];
  if (errors.length > 0)
    result.rejection = {
      reason: `${errors.length} line(s) of line protocol could not be read`,
      errors: errors.slice(0, 20),
    };
  else if (out.length === 0) result.rejection = { reason: 'message holds no line', errors: [] };
  return result;
}

/** Index of the first unescaped space: the end of "measurement,tags". */
function seriesKeyEnd(line: string, from: number): number {
  for (let i = from; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 92) i++;
    else if (c === 32) return i;
  }
  return line.length;
}
