import { nsToMs } from '../../../wire/index.js';
import { formatClock, formatField } from '../feed/format.js';
import type { FeedMessage } from '../feed/message.js';

/** Terminal colours, or none when the output is not a terminal (or NO_COLOR is set). */
export interface Paint {
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

const code = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`;
export const COLOURS: Paint = {
  red: code(31, 39),
  green: code(32, 39),
  yellow: code(33, 39),
  dim: code(2, 22),
  bold: code(1, 22),
};
const same = (s: string) => s;
export const PLAIN: Paint = { red: same, green: same, yellow: same, dim: same, bold: same };

/**
 * One message of the feed as terminal lines: one line per reading (its sensor time, where from, the
 * fields with units), one per status or event. Unreadable messages come back as `problem`, for stderr.
 */
export function formatFeedMessage(
  message: FeedMessage,
  receivedAt: number,
  paint: Paint,
): { lines: string[]; problem?: string } {
  const at = (ms: number) => paint.dim(formatClock(ms));
  switch (message.kind) {
    case 'status': {
      const s = message.status;
      if (s.state === 'offline')
        return { lines: [`${at(receivedAt)}  ${message.gateway}  ${paint.red(paint.bold('OFFLINE'))}`] };
      const devices = Object.values(s.devices ?? {});
      const up = devices.filter((d) => d.state === 'up').length;
      const parts = [
        s.site && `site ${s.site}`,
        s.version && `v${s.version}`,
        s.backlog !== undefined && `backlog ${s.backlog}`,
        s.clockSynced === undefined ? undefined : s.clockSynced ? 'clock synced' : paint.yellow('CLOCK NOT SYNCED'),
        devices.length > 0 &&
          (up < devices.length
            ? paint.yellow(`devices ${up}/${devices.length} up`)
            : `devices ${up}/${devices.length} up`),
      ].filter(Boolean);
      return { lines: [`${at(receivedAt)}  ${message.gateway}  ${paint.green('online')}  ${parts.join(' · ')}`] };
    }
    case 'status-cleared':
      return { lines: [`${at(receivedAt)}  ${message.gateway}  ${paint.dim('status cleared (gateway removed)')}`] };
    case 'event': {
      const e = message.event;
      const alarm = e.type === 'device_down' || e.type === 'buffer_dropped' || e.type === 'message_rejected';
      const what = alarm ? paint.red(e.type) : e.type === 'frame_rejected' ? paint.yellow(e.type) : e.type;
      const detail = [e.device, e.reason && `: ${e.reason}`, e.count !== undefined && ` ×${e.count}`]
        .filter(Boolean)
        .join('');
      return { lines: [`${at(receivedAt)}  ${message.gateway}  event ${what}${detail ? ` ${detail}` : ''}`] };
    }
    case 'data': {
      const lines = message.readings.map((r) => {
        const tags = Object.entries(r.tags)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ');
        const fields = Object.entries(r.fields)
          .map(([k, v]) => `${k}=${paint.bold(formatField(k, v))}`)
          .join('  ');
        return `${at(nsToMs(r.time))}  ${message.gateway}/${message.device}  ${r.measurement}${tags ? ` ${paint.dim(`[${tags}]`)}` : ''}  ${fields}`;
      });
      const first = message.errors[0];
      const problem = first
        ? `${message.errors.length} unreadable line(s) from ${message.gateway}/${message.device}, first at line ${first.line}: ${first.reason}`
        : undefined;
      return { lines, problem };
    }
    case 'unreadable':
      return { lines: [], problem: `unreadable message on ${message.topic}: ${message.reason}` };
  }
}
