import { existsSync, readFileSync } from 'node:fs';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { Topics } from '../../wire/index.js';
import type { IngestConfig } from './config.js';
import { GroupedCommit } from './grouped-acks.js';
import type { IngestStats } from './ingestor.js';
import type { Journal } from './journal.js';
import type { LinkLog } from './link-log.js';
import { decodeDataMessage } from './message.js';
import type { IngestMetrics } from './metrics.js';
import { reconnectWithBackoff } from './reconnect.js';

export interface MqttReaderParts {
  mqtt: IngestConfig['mqtt'];
  maxSpillPoints: number | undefined;
  topics: Topics;
  journal: Journal;
  stats: IngestStats;
  metrics: IngestMetrics;
  mqttLink: LinkLog;
  log: Logger;
  /** Called after each commit to the spill queue, with the number of messages committed. */
  onQueued: (messages: number) => void;
  publishRejection: (body: Record<string, unknown>) => void;
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
export function startMqttReader(p: MqttReaderParts): { client: MqttClient; close(): Promise<void> } {
  const { journal, stats, metrics, log } = p;
  const filter = p.mqtt.sharedGroup ? `$share/${p.mqtt.sharedGroup}/${p.topics.allData()}` : p.topics.allData();
  const client = mqtt.connect(p.mqtt.url ?? 'mqtt://127.0.0.1:1883', clientOptions(p.mqtt));
  let stopping = false;
  /** Points handed to `queued` and not yet committed: they count against spill.maxPoints. */
  let uncommitted = 0;
  const queued = new GroupedCommit<{ lines: string; points: number }>(
    client,
    (messages) => {
      const points = messages.reduce((n, m) => n + m.points, 0);
      uncommitted -= points;
      journal.appendMany(messages);
      stats.pointsQueued += points;
      metrics.pointsQueued.inc(points);
      stats.backlog = journal.points;
      metrics.backlog.set(journal.points);
      p.onQueued(messages.length);
    },
    (e) => {
      // Not queued: no PUBACK, the broker keeps the messages. Reconnect so they are sent again.
      log.error({ err: e.message }, 'spill queue write failed; messages left with the broker');
      client.end(true, () => client.reconnect());
    },
  );
  const take = (packet: { topic: string; payload: Buffer | string }, done: () => void) => {
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    stats.messages++;
    metrics.messages.inc();
    const decoded = decodeDataMessage(p.topics, packet.topic, payload);
    if (decoded.rejection) {
      stats.messagesRejected++;
      stats.linesRejected += decoded.rejection.errors.length;
      metrics.messagesRejected.inc();
      metrics.linesRejected.inc(decoded.rejection.errors.length);
      p.publishRejection({ stage: 'decode', topic: packet.topic, ...decoded.rejection, accepted: decoded.points });
    }
    if (decoded.uncatalogued) {
      metrics.uncatalogued.inc(decoded.uncatalogued.length);
      log.debug({ topic: packet.topic, uncatalogued: decoded.uncatalogued }, 'fields outside the catalogue');
    }
    // The PUBACK that `done` sends waits for the spill queue's commit (GroupedCommit).
    if (decoded.points > 0) {
      uncommitted += decoded.points;
      if (!queued.add({ lines: decoded.lines, points: decoded.points })) return;
    }
    done();
  };
  const full = () => p.maxSpillPoints !== undefined && journal.points + uncommitted >= p.maxSpillPoints;
  // Called once per message, in order; mqtt.js sends the PUBACK only after `done`.
  client.handleMessage = (packet, done) => {
    if (!full()) return take(packet, done);
    log.warn({ backlog: journal.points }, 'spill queue full (spill.maxPoints): holding acknowledgements');
    const timer = setInterval(() => {
      if (stopping) return clearInterval(timer); // not acknowledged: the broker keeps it
      if (full()) return;
      clearInterval(timer);
      take(packet, done);
    }, 100);
  };
  const reconnect = reconnectWithBackoff(client, p.mqttLink, () => stopping);
  client.on('connect', () => {
    stats.mqttConnected = true;
    p.mqttLink.markUp({ url: p.mqtt.url, filter });
    client.subscribe(filter, { qos: 1 }, (err, granted) => {
      if (err || granted?.some((g) => g.qos === 128))
        log.error({ filter, err: err?.message }, 'subscription refused: check the account has the ingestor role');
    });
  });
  client.on('close', () => {
    stats.mqttConnected = false;
  });
  return {
    client,
    async close() {
      stopping = true;
      reconnect.stop();
      await new Promise<void>((resolve) => client.end(false, {}, () => resolve()));
    },
  };
}
