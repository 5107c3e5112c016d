import { createRequire } from 'node:module';
import type { DestinationStream } from 'pino';
import { pino } from 'pino';
import type { PrettyOptions } from 'pino-pretty';

/** Loaded only for a person at a terminal: a gateway logging JSON to journald never pays for it. */
const pretty = (options: PrettyOptions): DestinationStream => createRequire(import.meta.url)('pino-pretty')(options);

/**
 * Where the logs of every tidegate process go, on stderr: JSON lines for journald and log shippers,
 * readable lines (pino-pretty) when a person watches a terminal. TIDEGATE_LOG_FORMAT=json|pretty
 * overrides the guess. Synchronous either way, so that the last lines before an exit are not lost.
 */
export function logStream(env: NodeJS.ProcessEnv = process.env): DestinationStream {
  const format = env.TIDEGATE_LOG_FORMAT ?? (process.stderr.isTTY ? 'pretty' : 'json');
  if (format !== 'pretty') return pino.destination({ fd: 2, sync: true });
  return pretty({
    destination: 2,
    sync: true,
    colorize: process.stderr.isTTY === true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
  });
}
