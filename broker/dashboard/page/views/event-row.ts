import { formatDuration } from '../../feed/format.js';
import type { EventView } from '../../feed/state.js';

/** What an event says beyond its kind: the reason, the count, how long the previous state lasted. */
export function eventDetail(e: EventView): string {
  const duration =
    e.durationMs === undefined
      ? undefined
      : e.type === 'gateway_online'
        ? `back after ${formatDuration(e.durationMs)} offline`
        : `after ${formatDuration(e.durationMs)} online`;
  return [e.reason, duration, e.count !== undefined && `×${e.count}`, e.topic && `topic ${e.topic}`]
    .filter(Boolean)
    .join(' · ');
}
