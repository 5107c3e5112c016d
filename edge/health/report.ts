import { isoTime } from '../../wire/iso-time.js';
import type { GatewayStatus } from '../../wire/messages.js';
import { type Publisher, redactUrl } from '../publisher/publisher.js';

/**
 * The body of GET /health: the gateway status, plus the broker link. While the broker is unreachable
 * the gateway is `degraded` and not ok (503): it still reads and buffers, but nothing leaves it.
 */
export function healthReport(
  status: GatewayStatus,
  publisher: Pick<Publisher, 'connected' | 'downSince' | 'lastPublishAt'>,
  brokerUrl: string,
  bufferDroppedTotal: number,
) {
  const { connected, downSince } = publisher;
  const problems = connected
    ? []
    : [`broker ${redactUrl(brokerUrl)} unreachable since ${downSince ? isoTime(downSince) : 'start'}`];
  return {
    ok: connected,
    ...status,
    state: connected ? status.state : ('degraded' as const),
    problems,
    broker: { url: redactUrl(brokerUrl), connected, downSince: downSince ? isoTime(downSince) : null },
    lastPublishAt: publisher.lastPublishAt ? isoTime(publisher.lastPublishAt) : null,
    bufferDroppedTotal,
  };
}
