import pino, { type Logger } from 'pino';
import { logStream } from '../../wire/log-stream.js';

/**
 * Logs on stderr: JSON lines for journald, readable lines on a terminal (wire/log-stream.ts). Secrets are
 * never passed to the logger; these paths are redacted anyway.
 */
export function createLogger(level: string, gateway: string): Logger {
  return pino(
    {
      level,
      base: { gateway },
      redact: { paths: ['password', '*.password', 'mqttPassword', '*.mqttPassword'], censor: '[secret]' },
    },
    logStream(),
  );
}
