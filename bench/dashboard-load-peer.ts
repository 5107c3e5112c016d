/**
 * The peer of bench/dashboard-load.ts, in its own process: plain mqtt.js subscribers in Node on the
 * page's topics, one over TCP and one over WebSocket (the page's path), counting data messages.
 * Forked with IPC; not a benchmark by itself. Child → parent: { ready }, then { tcp, ws } every 250 ms.
 */
import mqtt from 'mqtt';
import { Topics } from '../wire/index.js';

const topics = new Topics();
const filters = [topics.allStatus(), topics.allEvents(), topics.allData()];
const credentials = { username: process.env.MQTT_USERNAME, password: process.env.MQTT_PASSWORD };
const counts = { tcp: 0, ws: 0 };

async function subscriber(url: string, key: 'tcp' | 'ws') {
  const client = await mqtt.connectAsync(url, credentials);
  client.on('message', (topic) => {
    if (topic.includes('/data/')) counts[key]++;
  });
  await client.subscribeAsync(filters, { qos: 0 });
  return client;
}

const clients = await Promise.all([
  subscriber(process.env.MQTT_URL as string, 'tcp'),
  subscriber(process.env.WS_URL as string, 'ws'),
]);
process.send?.({ ready: true });
setInterval(() => process.send?.({ ...counts }), 250);
process.on('message', async (m: { stop?: boolean }) => {
  if (!m.stop) return;
  await Promise.all(clients.map((c) => c.endAsync()));
  process.exit(0);
});
