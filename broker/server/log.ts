import { type Logger, pino } from 'pino';
import { logStream } from '../../wire/log-stream.js';

/** Logs on stderr (JSON, or readable lines on a terminal); TIDEGATE_LOG_LEVEL=debug|info|warn|error|silent (default info). */
export function createLogger(name: string): Logger {
  return pino({ name, level: process.env.TIDEGATE_LOG_LEVEL ?? 'info' }, logStream());
}

/** A client-chosen string (client id, topic, user name) cut to `max` characters for a log line. */
export function clip(value: string | undefined, max = 80): string | undefined {
  if (value === undefined || value.length <= max) return value;
  return `${value.slice(0, max)}…(+${value.length - max} chars)`;
}

/**
 * Warnings about refused clients, whose fields an attacker chooses: each string is clipped, and at
 * most `perWindow` lines are written per window; the rest are counted and summed up in one line.
 */
export class RefusalLog {
  private windowStart = 0;
  private written = 0;
  private suppressed = 0;

  constructor(
    private readonly log: Logger,
    private readonly perWindow = 20,
    private readonly windowMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  warn(fields: Record<string, string | number | undefined>, message: string): void {
    const t = this.now();
    if (t - this.windowStart >= this.windowMs) {
      if (this.suppressed > 0)
        this.log.warn({ suppressed: this.suppressed, windowMs: this.windowMs }, 'refusals not logged (rate limit)');
      this.windowStart = t;
      this.written = 0;
      this.suppressed = 0;
    }
    if (this.written >= this.perWindow) {
      this.suppressed++;
      return;
    }
    this.written++;
    const clipped: Record<string, string | number | undefined> = {};
    for (const [k, v] of Object.entries(fields)) clipped[k] = typeof v === 'string' ? clip(v) : v;
    this.log.warn(clipped, clip(message, 200));
  }
}
