import { decodeLine, encodeLine, fieldProblem, type LineError, splitLines, type Topics } from '../../wire/index.js';
import { scanLine } from './line-scan.js';
import { plainMessage } from './plain-message.js';

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
  // Topics.parse has checked both ids: nothing in them needs escaping.
  const topicTags = `,device=${parsed.device},gateway=${parsed.gateway}`;
  const ids = { gateway: parsed.gateway, device: parsed.device };
  const quoted = text.includes('"') || text.includes('\\');
  return (!quoted && plainMessage(text, topicTags)) || decodeLineByLine(text, topicTags, ids, quoted);
}

/**
 * Each line is checked by one pass of `scanLine` (the rules of the wire decoder); a good line is passed
 * on as written, with the topic's tags added, unless it names gateway or device itself (then it is
 * re-encoded without them).
 */
export function decodeLineByLine(
  text: string,
  topicTags: string,
  ids: { gateway: string; device: string },
  quoted = true,
): DecodedMessage {
  const out: string[] = [];
  const errors: LineError[] = [];
  const uncatalogued = new Set<string>();
  let lineNo = 0;
  // Without a quote or a backslash, every newline ends a line: the native split is far cheaper.
  const lines = quoted ? splitLines(text) : text.split('\n');
  for (const raw of lines) {
    lineNo++;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    let start = 0;
    while (line.charCodeAt(start) === 32) start++;
    if (start >= line.length || line.charCodeAt(start) === 35 /* # */) continue;
    const scan = scanLine(line, start);
    if (!scan.ok) {
      errors.push({ line: lineNo, column: scan.index + 1, reason: scan.reason, excerpt: line.slice(0, 120) });
      continue;
    }
    for (let f = 0; f < scan.fields.length; f++) {
      const problem = fieldProblem(scan.measurement, scan.fields[f]!, scan.types[f]);
      if (problem && uncatalogued.size < MAX_UNCATALOGUED) uncatalogued.add(problem);
    }
    if (scan.namesTopicTag) {
      const reading = decodeLine(line);
      reading.tags.gateway = ids.gateway;
      reading.tags.device = ids.device;
      out.push(encodeLine(reading));
    } else out.push(line.slice(start, scan.keyEnd) + topicTags + line.slice(scan.keyEnd));
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
