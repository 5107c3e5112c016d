import { existsSync, readFileSync } from 'node:fs';
import mqtt, { type IClientOptions } from 'mqtt';
import type { IngestConfig } from './config.js';
import { GroupedCommit } from './grouped-acks.js';
import { type Intake, SpillIntake, type SpillIntakeParts } from './intake.js';
import type { LinkLog } from './link-log.js';
import { reconnectWithBackoff } from './reconnect.js';

export interface MqttReaderParts extends SpillIntakeParts {
  mqtt: IngestConfig['mqtt'];
  mqttLink: LinkLog;
}

function clientOptions(c: IngestConfig['mqtt']): IClientOptions {
  const password =
    c.password ??
    (c.passwordFile && existsSync(c.passwordFile) ? readFileSync(c.passwordFile, 'utf8').trim() : undefined);
  return {
    clientId: c.clientId,
    clean: false,
    protocolVersion: c.protocolVersion,
    username: c.username,
    password,
    reconnectPeriod: 0, // reconnects are ours: backoff with jitter (a broker down for long is not hammered)
    connectTimeout: 10_000,
    ...(c.protocolVersion === 5 ? { properties: { sessionExpiryInterval: 0xffffffff } } : {}),
  };
}

/**
 * MQTT data messages → the spill queue. Each message is decoded, tagged with gateway and device from
 * its topic and committed to the queue; only then does the broker get its PUBACK (GroupedCommit).
 */
export function startMqttReader(p: MqttReaderParts) {
  const { log } = p;
  const filter = p.mqtt.sharedGroup ? `$share/${p.mqtt.sharedGroup}/${p.topics.allData()}` : p.topics.allData();
  const client = mqtt.connect(p.mqtt.url ?? 'mqtt://127.0.0.1:1883', clientOptions(p.mqtt));
  let stopping = false;
  const intake = new SpillIntake(p);
  const queued = new GroupedCommit<Intake>(
    client,
    (items) => {
      try {
        intake.commit(items);
      } catch (e) {
        intake.forget(items);
        throw e;
      }
    },
    (e) => {
      // Not queued: no PUBACK, the broker keeps the messages. Reconnect so they are sent again.
      log.error({ err: e.message }, 'spill queue write failed; messages left with the broker');
      client.end(true, () => client.reconnect());
    },
  );
  const take = (packet: { topic: string; payload: Buffer | string }, done: () => void) => {
    const kept = intake.decode(packet.topic, packet.payload);
    // The PUBACK that `done` sends waits for the spill queue's commit (GroupedCommit).
    if (kept && !queued.add(kept)) return;
    done();
  };
  // Called once per message, in order; mqtt.js sends the PUBACK only after `done`.
  client.handleMessage = (packet, done) => {
    if (!intake.full()) return take(packet, done);
    log.warn({ backlog: p.journal.points }, 'spill queue full (spill.maxPoints): holding acknowledgements');
    const timer = setInterval(() => {
      if (stopping) return clearInterval(timer); // not acknowledged: the broker keeps it
      if (intake.full()) return;
      clearInterval(timer);
      take(packet, done);
    }, 100);
  };
  const reconnect = reconnectWithBackoff(client, p.mqttLink, () => stopping);
  client.on('connect', () => {
    p.stats.mqttConnected = true;
    p.mqttLink.markUp({ url: p.mqtt.url, filter });
    client.subscribe(filter, { qos: 1 }, (err, granted) => {
      if (err || granted?.some((g) => g.qos === 128))
        log.error({ filter, err: err?.message }, 'subscription refused: check the account has the ingestor role');
    });
  });
  client.on('close', () => {
    p.stats.mqttConnected = false;
  });
  return {
    /** A message to the operators (the rejected topic), when connected. */
    publish(topic: string, body: string) {
      if (client.connected) client.publish(topic, body, { qos: 0 });
    },
    async close() {
      stopping = true;
      reconnect.stop();
      await new Promise<void>((resolve) => client.end(false, {}, () => resolve()));
    },
  };
}
