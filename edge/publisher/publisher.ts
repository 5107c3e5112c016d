import { readFileSync } from 'node:fs';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { backoffDelay } from '../../wire/backoff.js';
import type { ReadingBuffer } from '../buffer/buffer.js';
import { toMessages } from './batches.js';

export interface PublisherOptions {
  url: string;
  clientId: string;
  username?: string;
  password?: string;
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  keepaliveMs: number;
  reconnectMinMs: number;
  reconnectMaxMs: number;
  maxMessageBytes: number;
  /** Topic of a device's data. */
  dataTopic(device: string): string;
  /** The retained status topic and the last will's payload (state offline). */
  statusTopic: string;
  willPayload(): string;
  buffer: ReadingBuffer;
  logger: Logger;
  /** Messages allowed in flight (sent, PUBACK not yet seen). */
  window?: number;
  /** A device with at most this many ready rows publishes one message per reading. */
  liveMax?: number;
  onConnect?(): void;
  onPublished?(device: string, readings: number): void;
}

/** Most queued events kept while offline; older ones are dropped and counted. */
const EVENT_QUEUE_MAX = 1000;

/**
 * Drains the buffer to the broker: MQTT 3.1.1, QoS 1, in time order per device, rows acknowledged to
 * the buffer only on PUBACK. After a reconnect every unacknowledged row is sent again (duplicates on
 * the wire are harmless: InfluxDB keeps one point per series and timestamp).
 */
export class Publisher {
  private client?: MqttClient;
  private readonly cursors = new Map<string, { time: bigint; seq: number }>();
  private generation = 0;
  private inFlight = 0;
  private pumping = false;
  private again = false;
  private stopped = false;
  private attempt = 0;
  private reconnectTimer?: NodeJS.Timeout;
  private readonly eventQueue: { topic: string; payload: string; retain: boolean }[] = [];
  eventsDroppedOffline = 0;
  lastPublishAt?: Date;
  connected = false;
  /** Since when the broker has been unreachable (the start, until the first connection). */
  downSince: Date | undefined = new Date();

  constructor(private readonly options: PublisherOptions) {}

  start(): void {
    const o = this.options;
    const clientOptions: IClientOptions = {
      protocolVersion: 4,
      clientId: o.clientId,
      clean: true,
      keepalive: Math.max(1, Math.round(o.keepaliveMs / 1000)),
      reconnectPeriod: 0, // reconnects are ours, with backoff and jitter
      writeCache: false, // mqtt-packet would otherwise keep 65,536 two-byte Buffers (6 MB of heap) for packet ids
      connectTimeout: 30_000,
      username: o.username,
      password: o.password,
      will: { topic: o.statusTopic, payload: Buffer.from(o.willPayload()), qos: 1, retain: true },
      ca: o.caFile ? readFileSync(o.caFile) : undefined,
      cert: o.certFile ? readFileSync(o.certFile) : undefined,
      key: o.keyFile ? readFileSync(o.keyFile) : undefined,
    };
    const client = mqtt.connect(o.url, clientOptions);
    this.client = client;
    client.on('connect', () => {
      this.attempt = 0;
      this.connected = true;
      this.downSince = undefined;
      this.generation++;
      this.inFlight = 0;
      this.cursors.clear();
      o.buffer.flush();
      o.logger.info({ broker: redactUrl(o.url) }, 'connected to the broker');
      o.onConnect?.();
      for (const e of this.eventQueue.splice(0)) this.send(e.topic, e.payload, e.retain);
      this.kick();
    });
    client.on('close', () => {
      if (this.connected && !this.stopped) o.logger.warn('connection to the broker lost');
      if (this.connected) this.downSince = new Date();
      this.connected = false;
      this.scheduleReconnect();
    });
    // One warning per outage, the retries at debug level: a day offline must not fill the SD card.
    client.on('error', (error) => {
      if (this.attempt <= 1) o.logger.warn({ err: error.message }, 'broker connection error');
      else o.logger.debug({ err: error.message }, 'broker connection error');
    });
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.reconnectTimer) return;
    const delay = backoffDelay(this.attempt++, this.options.reconnectMinMs, this.options.reconnectMaxMs);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (!this.stopped && !this.connected) this.client?.reconnect();
    }, delay);
  }

  /** New rows are ready (called after each buffer flush). */
  kick(): void {
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.again = false;
        this.pumpOnce();
      } while (this.again && this.canSend());
    } finally {
      this.pumping = false;
    }
  }

  private canSend(): boolean {
    return this.connected && !this.stopped && this.inFlight < (this.options.window ?? 32);
  }

  /** One round over the devices with ready rows: each gets messages until the window is full. */
  private pumpOnce(): void {
    const { buffer, maxMessageBytes } = this.options;
    const liveMax = this.options.liveMax ?? 5;
    for (const device of buffer.devices()) {
      if (!this.canSend()) return;
      // About one full message of rows per fetch (a PUBACK triggers the next one); when every row goes
      // alone (liveMax at least a message's worth), no more rows than the window has room for.
      const rowsPerMessage = Math.ceil(maxMessageBytes / 48);
      const windowLeft = (this.options.window ?? 32) - this.inFlight;
      const limit = liveMax >= rowsPerMessage ? windowLeft : Math.max(liveMax + 1, rowsPerMessage);
      const rows = buffer.next(device, this.cursors.get(device), limit);
      if (rows.length === 0) continue;
      for (const message of toMessages(rows, maxMessageBytes, liveMax)) {
        if (!this.canSend()) break;
        const last = message[message.length - 1]!;
        this.cursors.set(device, { time: last.time, seq: last.seq });
        this.sendData(
          device,
          message.map((r) => r.line).join('\n'),
          message.map((r) => r.seq),
        );
      }
      this.again = true;
    }
  }

  private sendData(device: string, payload: string, seqs: number[]): void {
    const generation = this.generation;
    this.inFlight++;
    this.client!.publish(this.options.dataTopic(device), payload, { qos: 1 }, (error) => {
      if (generation === this.generation) this.inFlight--;
      if (error) return; // the rows stay in the buffer and go again after the reconnect
      this.options.buffer.ack(seqs);
      this.lastPublishAt = new Date();
      this.options.onPublished?.(device, seqs.length);
      if (generation === this.generation) this.kick();
    });
  }

  /** Status and events: sent now when connected, queued in memory (bounded) otherwise. */
  publishJson(topic: string, message: unknown, retain = false): void {
    const payload = JSON.stringify(message);
    if (this.connected) {
      this.send(topic, payload, retain);
      return;
    }
    if (retain) {
      const i = this.eventQueue.findIndex((e) => e.topic === topic && e.retain);
      if (i >= 0) this.eventQueue.splice(i, 1);
    }
    this.eventQueue.push({ topic, payload, retain });
    if (this.eventQueue.length > EVENT_QUEUE_MAX) {
      this.eventQueue.shift();
      this.eventsDroppedOffline++;
    }
  }

  private send(topic: string, payload: string, retain: boolean): void {
    this.client?.publish(topic, payload, { qos: 1, retain }, () => {});
  }

  /** Waits (up to `graceMs`) for messages in flight, publishes `finalStatus` retained, and disconnects. */
  async stop(finalStatus?: unknown, graceMs = 5000): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    const client = this.client;
    if (!client) return;
    const deadline = Date.now() + graceMs;
    while (this.connected && this.inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    if (this.connected && finalStatus !== undefined)
      await new Promise<void>((resolve) => {
        client.publish(this.options.statusTopic, JSON.stringify(finalStatus), { qos: 1, retain: true }, () =>
          resolve(),
        );
        setTimeout(resolve, Math.max(0, deadline - Date.now()));
      });
    await client.endAsync(true).catch(() => {});
  }
}

/** A broker URL as it may be logged: without credentials. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/)[^/@]*@/, '$1');
}
