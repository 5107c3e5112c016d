/**
 * The load generator of bench/dashboard-load.ts, in its own process (as gateways are) so that it does
 * not take CPU from the broker it feeds. Forked with IPC; not a benchmark by itself.
 *
 * Parent → child: { run: { factor, seconds } }, { stop: true }
 * Child → parent: { ready: true } once the retained statuses are out, { sent } every 250 ms, { done, sent }.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { simulatedReading } from '../tests/browser/support/simulated-readings.js';
import { encodeLine, nowNs, Topics } from '../wire/index.js';

import { DEVICES, GATEWAYS } from './dashboard-load-fleet.js';

const PUBLISHERS = Number(process.env.PUBLISHERS ?? 8);
const topics = new Topics();
const ids = Array.from({ length: GATEWAYS }, (_, g) => `gw-${String(g + 1).padStart(3, '0')}`);
const pairs = ids.flatMap((id, g) => DEVICES.map((device) => ({ id, device, client: g % PUBLISHERS })));

const send = (message: object) => process.send?.(message);

async function main() {
  const clients: MqttClient[] = [];
  for (let i = 0; i < PUBLISHERS; i++)
    clients.push(
      await mqtt.connectAsync(process.env.MQTT_URL as string, {
        username: process.env.MQTT_USERNAME,
        password: process.env.MQTT_PASSWORD,
      }),
    );
  for (const [g, id] of ids.entries()) {
    const status = {
      state: g % 50 === 7 ? 'offline' : 'online',
      gateway: id,
      site: `site-${g % 8}`,
      version: '0.1.0',
      time: new Date().toISOString(),
      backlog: 0,
      clockSynced: true,
      devices: Object.fromEntries(
        DEVICES.map((d) => [d, { state: 'up', driver: 'sim', lastReadingAt: null, readings: 0, rejected: 0 }]),
      ),
    };
    await clients[g % PUBLISHERS]!.publishAsync(topics.status(id), JSON.stringify(status), { qos: 1, retain: true });
  }
  send({ ready: true });

  let sent = 0;
  let round = 0;
  let next = 0;
  process.on('message', (msg: { run?: { factor: number; seconds: number }; stop?: boolean }) => {
    if (msg.stop) {
      Promise.all(clients.map((c) => c.endAsync())).then(() => process.exit(0));
      return;
    }
    if (!msg.run) return;
    const rate = pairs.length * msg.run.factor;
    const started = performance.now();
    const durationMs = msg.run.seconds * 1000;
    const stepStart = sent;
    const progress = setInterval(() => send({ sent }), 250);
    const pump = () => {
      const elapsed = performance.now() - started;
      const due = Math.floor((Math.min(elapsed, durationMs) * rate) / 1000);
      const time = nowNs();
      while (sent - stepStart < due) {
        const { id, device, client } = pairs[next]!;
        clients[client]!.publish(topics.data(id, device), encodeLine(simulatedReading(device, round, time)), {
          qos: 1,
        });
        sent++;
        next = (next + 1) % pairs.length;
        if (next === 0) round++;
      }
      if (elapsed < durationMs) setTimeout(pump, 10);
      else {
        clearInterval(progress);
        send({ done: true, sent });
      }
    };
    pump();
  });
}

main().catch((e: Error) => {
  process.stderr.write(`dashboard-load-publisher: ${e.message}\n`);
  process.exit(1);
});
