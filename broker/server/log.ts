import { type Logger, pino } from 'pino';

/** JSON logs on stderr; TIDEGATE_LOG_LEVEL=debug|info|warn|error|silent (default info). */
export function createLogger(name: string): Logger {
  return pino({ name, level: process.env.TIDEGATE_LOG_LEVEL ?? 'info' }, pino.destination(2));
}
