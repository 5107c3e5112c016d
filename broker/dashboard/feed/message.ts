import {
  decodeLines,
  type GatewayEvent,
  type GatewayStatus,
  type LineError,
  parseEvent,
  parseStatus,
  type Reading,
  type Topics,
} from '../../../wire/index.js';

/**
 * One MQTT message of the tidegate topic scheme, read for an operator: what the page and
 * `tidegate watch` both show. Never throws: a message it cannot read becomes `unreadable` with a
 * reason, so one bad gateway cannot stop the feed.
 */
export type FeedMessage =
  | { kind: 'status'; gateway: string; status: GatewayStatus }
  /** An empty retained status: the gateway was removed from the broker's memory. */
  | { kind: 'status-cleared'; gateway: string }
  | { kind: 'event'; gateway: string; event: GatewayEvent }
  | { kind: 'data'; gateway: string; device: string; readings: Reading[]; errors: LineError[] }
  | { kind: 'unreadable'; topic: string; gateway?: string; reason: string };

export function readFeedMessage(topics: Topics, topic: string, payload: string): FeedMessage {
  const parsed = topics.parse(topic);
  if (!parsed) return { kind: 'unreadable', topic, reason: 'topic is not of the tidegate scheme' };
  const { gateway } = parsed;
  switch (parsed.kind) {
    case 'status': {
      if (payload.length === 0) return { kind: 'status-cleared', gateway };
      const status = parseStatus(payload);
      if (!status.ok) return { kind: 'unreadable', topic, gateway, reason: `status: ${status.error}` };
      return { kind: 'status', gateway, status: status.value };
    }
    case 'events': {
      const event = parseEvent(payload);
      if (!event.ok) return { kind: 'unreadable', topic, gateway, reason: `event: ${event.error}` };
      return { kind: 'event', gateway, event: event.value };
    }
    case 'data': {
      const { readings, errors } = decodeLines(payload);
      if (readings.length === 0) {
        const first = errors[0];
        const reason = first ? `line ${first.line}, column ${first.column}: ${first.reason}` : 'no line in message';
        return { kind: 'unreadable', topic, gateway, reason: `data: ${reason}` };
      }
      return { kind: 'data', gateway, device: parsed.device as string, readings, errors };
    }
    default:
      return { kind: 'unreadable', topic, gateway, reason: `${parsed.kind} messages are not for operators` };
  }
}
