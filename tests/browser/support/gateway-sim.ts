/**
 * A simulated gateway, run as its own process so a test can kill it (SIGKILL) like a street cabinet
 * losing power: it connects with a last will (retained offline status), publishes its retained online
 * status, then one reading per device every INTERVAL_MS, with a value that keeps changing.
 *
 *   MQTT_URL=mqtt://… GATEWAY=gw-1 SITE=port DEVICES=pm-1,meter-1 [INTERVAL_MS=500]
 *   [MQTT_USERNAME=… MQTT_PASSWORD=…] tsx tests/browser/support/gateway-sim.ts
 *
 * Prints "ready" once its status is published.
 */
import mqtt from 'mqtt';
import { encodeLine, nowNs, Topics } from '../../../wire/index.js';
import { simulatedReading } from './simulated-readings.js';

const env = (name: string, fallback?: string) => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`gateway-sim: ${name} is not set`);
  return value;
};
const gateway = env('GATEWAY');
const site = env('SITE', 'test-site');
const devices = env('DEVICES', 'pm-1').split(',');
const intervalMs = Number(env('INTERVAL_MS', '500'));
const topics = new Topics();
const status = (state: 'online' | 'offline') =>
  JSON.stringify({
    state,
    gateway,
    site,
    version: '0.1.0-sim',
    time: new Date().toISOString(),
    backlog: 0,
    clockSynced: true,
    devices: Object.fromEntries(
      devices.map((d) => [d, { state: 'up', driver: 'sim', lastReadingAt: null, readings: 0, rejected: 0 }]),
    ),
  });

const client = mqtt.connect(env('MQTT_URL'), {
  clientId: `gw-${gateway}`,
  username: process.env.MQTT_USERNAME,
  password: process.env.MQTT_PASSWORD,
  protocolVersion: 4,
  keepalive: 5,
  will: { topic: topics.status(gateway), payload: Buffer.from(status('offline')), qos: 1, retain: true },
});
let tick = 0;
client.on('connect', async () => {
  await client.publishAsync(topics.status(gateway), status('online'), { qos: 1, retain: true });
  process.stdout.write('ready\n');
});
client.on('error', (e) => process.stderr.write(`gateway-sim ${gateway}: ${e.message}\n`));
setInterval(() => {
  if (!client.connected) return;
  tick++;
  devices.forEach((device, i) => {
    client.publish(topics.data(gateway, device), encodeLine(simulatedReading(device, tick + i, nowNs())), { qos: 1 });
  });
}, intervalMs);
