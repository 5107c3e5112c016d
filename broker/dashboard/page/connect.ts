import { OperatorMqtt, RefusedError } from './mqtt/client.js';

/**
 * Opens the operator's MQTT-over-WebSocket connection. Resolves once the broker accepted the
 * credentials; rejects with a sentence an operator understands when it refused them or cannot be
 * reached. The password lives only in the client's memory for reconnects; nothing is stored.
 */
export async function connectOperator(url: string, username: string, password: string): Promise<OperatorMqtt> {
  try {
    return await OperatorMqtt.connect({ url, username, password });
  } catch (e) {
    if (e instanceof RefusedError && (e.returnCode === 4 || e.returnCode === 5))
      throw new Error('The broker refused this user name or password.');
    throw e;
  }
}

/** Where the broker's MQTT-over-WebSocket listener is, from the path (or full URL) the server gave the page. */
export function brokerUrl(pathOrUrl: string, location: Location): string {
  if (/^wss?:\/\//.test(pathOrUrl)) return pathOrUrl;
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${pathOrUrl.startsWith('/') ? '' : '/'}${pathOrUrl}`;
}
