import pino, { type Logger } from 'pino';

/** Structured JSON logs on stderr (journald keeps them). Secrets are never passed to the logger; these paths are redacted anyway. */
export function createLogger(level: string, gateway: string): Logger {
  return pino(
    {
      level,
      base: { gateway },
      redact: { paths: ['password', '*.password', 'mqttPassword', '*.mqttPassword'], censor: '[secret]' },
    },
    pino.destination({ fd: 2, sync: true }),
  );
}
