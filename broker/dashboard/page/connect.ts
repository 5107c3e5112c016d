import mqtt, { type MqttClient } from 'mqtt';

/**
 * Opens the operator's MQTT-over-WebSocket connection. Resolves once the broker accepted the
 * credentials; rejects with a sentence an operator understands when it refused them or cannot be
 * reached. The password lives only in this client's memory for reconnects; nothing is stored.
 */
export function connectOperator(url: string, username: string, password: string): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(url, {
      username,
      password,
      protocolVersion: 4,
      clientId: `tidegate-dashboard-${Math.random().toString(16).slice(2, 10)}`,
      clean: true,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
      keepalive: 30,
    });
    let settled = false;
    const fail = (message: string) => {
      if (settled) return;
      settled = true;
      client.end(true);
      reject(new Error(message));
    };
    client.once('connect', () => {
      settled = true;
      client.options.reconnectPeriod = 2_000;
      resolve(client);
    });
    client.on('error', (err: Error & { code?: number }) => {
      if (err.code === 4 || err.code === 5) fail('The broker refused this user name or password.');
      else fail(`The broker refused the connection: ${err.message}`);
    });
    client.once('close', () => fail(`Cannot reach the broker at ${url}.`));
  });
}

/** Where the broker's MQTT-over-WebSocket listener is, from the path (or full URL) the server gave the page. */
export function brokerUrl(pathOrUrl: string, location: Location): string {
  if (/^wss?:\/\//.test(pathOrUrl)) return pathOrUrl;
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${pathOrUrl.startsWith('/') ? '' : '/'}${pathOrUrl}`;
}
