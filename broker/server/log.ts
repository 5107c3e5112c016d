import { type Logger, pino } from 'pino';
import { logStream } from '../../wire/log-stream.js';

/** Logs on stderr (JSON, or readable lines on a terminal); TIDEGATE_LOG_LEVEL=debug|info|warn|error|silent (default info). */
export function createLogger(name: string): Logger {
  return pino({ name, level: process.env.TIDEGATE_LOG_LEVEL ?? 'info' }, logStream());
}
