import { decodeLines, encodeLines, type LineError, type Topics } from '../../wire/index.js';

export interface DecodedMessage {
  /** Line protocol to store, with `gateway` and `device` tags from the topic; empty when nothing is usable. */
  lines: string;
  points: number;
  /** Why the message or some of its lines were not taken. */
  rejection?: { reason: string; errors: LineError[] };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * One MQTT data message → line protocol for InfluxDB. The gateway and device come from the topic,
 * never from the payload, so a gateway cannot write as another.
 */
export function decodeDataMessage(topics: Topics, topic: string, payload: Uint8Array): DecodedMessage {
  const parsed = topics.parse(topic);
  if (!parsed || parsed.kind !== 'data' || !parsed.device)
    return { lines: '', points: 0, rejection: { reason: `not a data topic: ${topic.slice(0, 200)}`, errors: [] } };
  let text: string;
  try {
    text = utf8.decode(payload);
  } catch {
    return { lines: '', points: 0, rejection: { reason: 'payload is not valid UTF-8', errors: [] } };
  }
  const { readings, errors } = decodeLines(text);
  for (const r of readings) {
    r.tags.gateway = parsed.gateway;
    r.tags.device = parsed.device;
    delete r.identifiers;
  }
  const result: DecodedMessage = { lines: encodeLines(readings).slice(0, -1), points: readings.length };
  if (errors.length > 0)
    result.rejection = {
      reason: `${errors.length} line(s) of line protocol could not be read`,
      errors: errors.slice(0, 20),
    };
  else if (readings.length === 0) result.rejection = { reason: 'message holds no line', errors: [] };
  return result;
}
