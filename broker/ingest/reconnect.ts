import type { MqttClient } from 'mqtt';
import { backoffDelay } from '../../wire/backoff.js';
import type { LinkLog } from './link-log.js';

/** From 0.5 s doubling to 30 s, each delay drawn in its upper half: a fleet of clients does not reconnect in step. */
const MIN_MS = 500;
const MAX_MS = 30_000;

/**
 * Reconnects an mqtt.js client (created with `reconnectPeriod: 0`) with backoff and jitter, and tells
 * the link log of each change once: a broker down for long is neither hammered nor logged every retry.
 */
export function reconnectWithBackoff(client: MqttClient, link: LinkLog, stopping: () => boolean): { stop(): void } {
  let attempt = 0;
  let timer: NodeJS.Timeout | undefined;
  client.on('connect', () => {
    attempt = 0;
  });
  client.on('close', () => {
    if (stopping() || timer) return;
    link.markDown('connection closed');
    timer = setTimeout(
      () => {
        timer = undefined;
        if (!stopping() && !client.connected) client.reconnect();
      },
      backoffDelay(attempt++, MIN_MS, MAX_MS),
    );
  });
  client.on('error', (e) => link.markDown(e.message));
  return { stop: () => clearTimeout(timer) };
}
