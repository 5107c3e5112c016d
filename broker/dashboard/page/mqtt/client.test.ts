import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type DashboardBroker, startDashboardBroker } from '../../../../tests/browser/support/broker.js';
import { waitFor } from '../../../../tests/harness/index.js';
import { OperatorMqtt, RefusedError, type WebSocketFactory } from './client.js';

const WS = WebSocket as unknown as WebSocketFactory;

describe("the page's MQTT-over-WebSocket client, against startBroker", () => {
  let broker: DashboardBroker;
  let admin: MqttClient;

  beforeAll(async () => {
    broker = await startDashboardBroker();
    admin = await mqtt.connectAsync(broker.mqttUrl, broker.admin);
    await admin.publishAsync('tidegate/gw-1/status', '{"state":"online"}', { qos: 1, retain: true });
  });
  afterAll(async () => {
    await admin?.endAsync();
    await broker?.stop();
  });

  const wsUrl = () => broker.broker.wsUrl as string;

  it('receives retained and live messages, and again after the broker drops it', async () => {
    const client = await OperatorMqtt.connect({ url: wsUrl(), ...broker.operator, WebSocket: WS, reconnectMs: 100 });
    const got: string[] = [];
    client.onMessage = (topic, payload) => got.push(`${topic} ${new TextDecoder().decode(payload)}`);
    try {
      expect(await client.subscribe(['tidegate/+/status', 'tidegate/+/data/+'])).toEqual([0, 0]);
      await waitFor(() => got.includes('tidegate/gw-1/status {"state":"online"}'), 'the retained status');
      await admin.publishAsync('tidegate/gw-1/data/pm-1', 'a v=1 1', { qos: 1 });
      await waitFor(() => got.includes('tidegate/gw-1/data/pm-1 a v=1 1'), 'a live message');

      const aedes = broker.broker.aedes as unknown as { clients: Record<string, { close(): void }> };
      for (const c of Object.values(aedes.clients)) if (c !== undefined && client.connected) c.close();
      await waitFor(() => !client.connected, 'the drop');
      await waitFor(() => client.connected, 'the reconnect');
      await waitFor(async () => {
        await admin.publishAsync('tidegate/gw-1/data/pm-1', 'a v=2 2', { qos: 1 });
        return got.includes('tidegate/gw-1/data/pm-1 a v=2 2');
      }, 'a message after the reconnect (subscriptions restored)');
    } finally {
      client.end();
    }
  });

  it('rejects a wrong password with the CONNACK return code', async () => {
    const error = await OperatorMqtt.connect({
      url: wsUrl(),
      username: broker.operator.username,
      password: 'wrong-password',
      WebSocket: WS,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RefusedError);
    expect([4, 5]).toContain((error as RefusedError).returnCode);
  });

  it('says when nothing listens', async () => {
    const error = await OperatorMqtt.connect({
      url: 'ws://127.0.0.1:9/mqtt',
      username: 'x',
      password: 'y',
      WebSocket: WS,
    }).catch((e: Error) => e);
    expect((error as Error).message).toBe('Cannot reach the broker at ws://127.0.0.1:9/mqtt.');
  });
});
