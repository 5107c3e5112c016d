import type { Logger } from 'pino';
import type { DeviceState, DriverModule } from '../../drivers/driver.js';
import { loadDriver } from '../../drivers/registry.js';
import { createDriverRuntime } from '../../drivers/runtime.js';
import { EncodeError } from '../../wire/line-protocol/encode.js';
import type { EventType, GatewayEvent, GatewayStatus } from '../../wire/messages.js';
import type { Reading } from '../../wire/reading.js';
import { Topics } from '../../wire/topics.js';
import { version } from '../../wire/version.js';
import { ReadingBuffer } from '../buffer/buffer.js';
import { type Clock, systemClock } from '../clock/clock.js';
import { ClockGuard } from '../clock/guard.js';
import type { LoadedConfig } from '../config/load.js';
import { createLogger } from '../health/logger.js';
import { createMetrics, type Metrics } from '../health/metrics.js';
import { healthReport } from '../health/report.js';
import { startHealthServer } from '../health/server.js';
import type { PrivacyStage } from '../privacy/stage.js';
import { Publisher, redactUrl } from '../publisher/publisher.js';
import { toBusSettings } from './buses.js';
import { type RunningDevice, runDevice } from './devices.js';
import { DistinctTimes } from './distinct-times.js';
import { deviceOfReleased, privacyStageFor, publishableLocation } from './privacy.js';
import { RejectionAggregator } from './rejections.js';

export interface AgentOptions {
  /** Drivers by name (default: the registry's). Tests may add their own. */
  drivers?: ReadonlyMap<string, DriverModule>;
  clock?: Clock;
  logger?: Logger;
  privacy?: PrivacyStage;
  /** How often the clock is re-checked while not known good (default 5 s). */
  clockCheckMs?: number;
  /** How often rejected frames are reported as one event per device (default 60 s). */
  rejectionReportMs?: number;
  /** Started again after a config reload (SIGHUP): says so with a config_reloaded event. */
  reloaded?: boolean;
}

export interface Agent {
  readonly metrics: Metrics;
  readonly buffer: ReadingBuffer;
  readonly publisher: Publisher;
  readonly clock: ClockGuard;
  /** Port of the health endpoint (useful with health.listen "127.0.0.1:0"). */
  readonly healthPort: number;
  status(): GatewayStatus;
  /** Flushes the buffer now and wakes the publisher (otherwise done every buffer.flushEvery). */
  flush(): void;
  stop(): Promise<void>;
}

/**
 * The gateway agent: drivers → privacy stage → clock guard → durable buffer → publisher, with the
 * health endpoint, the retained status and the events. See docs/edge.md.
 */
export async function startAgent(loaded: LoadedConfig, options: AgentOptions = {}): Promise<Agent> {
  const { config } = loaded;
  const gatewayId = config.gateway.id;
  const log = options.logger ?? createLogger(config.health.logLevel, gatewayId);
  const metrics = createMetrics({
    brokerConnected: () => publisher.connected,
    lastPublishAt: () => publisher.lastPublishAt,
    eventsDroppedOffline: () => publisher.eventsDroppedOffline,
    privacy: () => privacy.counters?.(),
    deviceCounters: () =>
      [...running].map(([id, device]) => [id, device.counters()] as [string, Record<string, number>]),
  });
  const topics = new Topics(config.mqtt.topicPrefix);
  const clock = options.clock ?? systemClock(config.clock.check);
  const guard = new ClockGuard(clock, config.clock.minYear);
  const startedAt = new Date();
  const buffer = new ReadingBuffer({ path: config.buffer.path, maxBytes: config.buffer.maxBytes });
  const privacy = options.privacy ?? privacyStageFor(loaded, log);
  const rejections = new RejectionAggregator(options.rejectionReportMs ?? 60_000);
  const running = new Map<string, RunningDevice>();
  const times = new DistinctTimes();
  const timers: NodeJS.Timeout[] = [];
  let stopping = false;

  const isoNow = () => new Date(Number(clock.wallNs() / 1_000_000n)).toISOString();
  const event = (type: EventType, extra: Omit<GatewayEvent, 'type' | 'gateway' | 'time'> = {}) => {
    const message: GatewayEvent = { type, gateway: gatewayId, time: isoNow(), ...extra };
    log[type === 'device_down' || type === 'buffer_dropped' ? 'warn' : 'info']({ event: message }, type);
    publisher.publishJson(topics.events(gatewayId), message);
  };

  const publisher = new Publisher({
    url: config.mqtt.url,
    clientId: config.mqtt.clientId ?? `tidegate-${gatewayId}`,
    username: config.mqtt.username,
    password: loaded.mqttPassword,
    caFile: config.mqtt.caFile,
    certFile: config.mqtt.certFile,
    keyFile: config.mqtt.keyFile,
    keepaliveMs: config.mqtt.keepalive,
    reconnectMinMs: config.mqtt.reconnectMin,
    reconnectMaxMs: config.mqtt.reconnectMax,
    maxMessageBytes: config.mqtt.maxMessageBytes,
    dataTopic: (device) => topics.data(gatewayId, device),
    statusTopic: topics.status(gatewayId),
    willPayload: () => JSON.stringify({ state: 'offline', gateway: gatewayId, time: isoNow() }),
    buffer,
    logger: log,
    onConnect: () => publishStatus(),
    onPublished: (device, n) => metrics.published.inc({ device }, n),
  });

  /** A reading past the privacy stage: into the buffer now, or held until the clock is known. */
  const store = (device: string, tagged: Reading) => {
    const reading = withSite(tagged, config.gateway.site);
    try {
      if (guard.plausible(reading.time)) buffer.add(device, reading);
      else if (!guard.isKnown) {
        const mono = clock.monoNs() - (clock.wallNs() - reading.time);
        buffer.add(device, reading, { mono, boot: clock.bootId });
        metrics.held.inc({ device });
      } else return reject(device, 'implausible_time', `time ${reading.time} is before ${config.clock.minYear}`);
      metrics.buffered.inc({ device });
    } catch (e) {
      if (e instanceof EncodeError) return reject(device, 'unencodable', e.message);
      throw e;
    }
  };

  const reject = (device: string, reason: string, detail?: string) => {
    const record = running.get(device)?.record;
    if (record) record.rejected++;
    metrics.rejected.inc({ device, reason });
    const now = rejections.add(device, detail ? `${reason}: ${detail}` : reason);
    if (now) event('frame_rejected', now);
  };

  const setState = (device: string, state: DeviceState, reason?: string) => {
    const record = running.get(device)?.record;
    const previous = record?.state;
    if (record) {
      record.state = state;
      if (state === 'down' && reason) record.lastError = reason;
    }
    metrics.deviceUp.set({ device }, state === 'up' ? 1 : 0);
    // A clean stop closes every device: that is not a device going down (no alarm, no event).
    if (stopping || state === previous || state === 'starting') return;
    if (state === 'down') event('device_down', { device, reason });
    if (state === 'up' && previous === 'down') event('device_up', { device });
    publishStatus();
  };

  const flush = () => {
    const result = buffer.flush();
    for (const [device, count] of result.dropped) {
      metrics.dropped.inc({ device, reason: 'buffer_full' }, count);
      event('buffer_dropped', {
        device,
        count,
        reason: `buffer cap of ${config.buffer.maxBytes} bytes reached: oldest dropped`,
      });
    }
    const backlog = buffer.backlog();
    metrics.backlog.set(backlog.rows);
    metrics.backlogBytes.set(backlog.bytes);
    if (result.written || result.deleted) publisher.kick();
  };

  const checkClock = async () => {
    if (!(await guard.check())) return;
    metrics.clockSynced.set(1);
    const { released, undatable } = buffer.releaseHeld(clock.wallNs(), clock.monoNs(), clock.bootId);
    event('clock_synced', { count: released });
    for (const [device, count] of undatable) {
      metrics.dropped.inc({ device, reason: 'undatable' }, count);
      event('buffer_dropped', {
        device,
        count,
        reason: 'held in an earlier boot while the clock was not set: cannot be dated',
      });
    }
    publishStatus();
    publisher.kick();
  };

  function releaseAggregates() {
    for (const reading of privacy.tick(clock.wallNs())) {
      const device = deviceOfReleased(reading);
      if (device) store(device, reading);
      else
        log.error(
          { measurement: reading.measurement },
          'an aggregate of the privacy stage names no device: not published',
        );
    }
  }

  function status(): GatewayStatus {
    const devices: GatewayStatus['devices'] = {};
    for (const [id, { record }] of running)
      devices[id] = {
        state: record.state,
        driver: record.config.driver,
        lastReadingAt: record.lastReadingAt?.toISOString() ?? null,
        readings: record.readings,
        rejected: record.rejected,
        ...(record.lastError ? { lastError: record.lastError } : {}),
      };
    return {
      state: 'online',
      gateway: gatewayId,
      site: config.gateway.site,
      version,
      time: isoNow(),
      startedAt: startedAt.toISOString(),
      backlog: buffer.backlog().rows,
      clockSynced: guard.isKnown,
      location: publishableLocation(loaded),
      devices,
    };
  }

  function publishStatus() {
    if (!stopping) publisher.publishJson(topics.status(gatewayId), status(), true);
  }

  await checkClock();
  if (!guard.isKnown) log.warn('the clock is not known to be set: readings are held until it is');
  const health = await startHealthServer(config.health.listen, metrics, () =>
    healthReport(status(), publisher, config.mqtt.url, buffer.droppedTotal()),
  );
  publisher.start();
  if (options.reloaded) event('config_reloaded', { reason: `${loaded.file} reloaded` });

  const runtime = createDriverRuntime(toBusSettings(config.buses));
  for (const device of loaded.devices) {
    const module = options.drivers?.get(device.driver) ?? (await loadDriver(device.driver));
    const id = device.id;
    running.set(
      id,
      runDevice(
        device,
        module,
        runtime,
        {
          reading(reading) {
            if (stopping) return;
            const record = running.get(id)?.record;
            if (record) {
              record.readings++;
              record.lastReadingAt = new Date(Number(reading.time / 1_000_000n));
              if (record.state !== 'up') setState(id, 'up');
            }
            metrics.read.inc({ device: id });
            const stamped = { ...reading, time: times.next(id, reading.time) };
            for (const out of privacy.process(id, stamped)) store(id, out);
          },
          rejected: (reason, detail) => reject(id, reason, detail),
          state: (state, reason) => setState(id, state, reason),
        },
        {
          onPollError: (e) => {
            metrics.pollErrors.inc({ device: id });
            log.warn({ device: id, err: e.message }, 'poll failed');
          },
          onSkip: () => metrics.skipped.inc({ device: id }),
        },
      ),
    );
  }

  const every = (ms: number, fn: () => unknown) => {
    const timer = setInterval(() => {
      try {
        const result = fn();
        if (result instanceof Promise)
          result.catch((e: Error) => log.error({ err: e.message }, 'periodic task failed'));
      } catch (e) {
        log.error({ err: (e as Error).message }, 'periodic task failed');
      }
    }, ms);
    timers.push(timer);
  };
  every(config.buffer.flushEvery, flush);
  every(options.clockCheckMs ?? 5000, checkClock);
  every(30_000, releaseAggregates);
  every(options.rejectionReportMs ?? 60_000, () => {
    for (const r of rejections.drain()) event('frame_rejected', r);
  });
  every(config.mqtt.statusEvery, publishStatus);
  log.info({ devices: loaded.devices.length, broker: redactUrl(config.mqtt.url), version }, 'edge agent started');

  return {
    metrics,
    buffer,
    publisher,
    clock: guard,
    healthPort: health.port,
    status,
    flush,
    async stop() {
      if (stopping) return;
      stopping = true;
      for (const timer of timers) clearInterval(timer);
      await Promise.allSettled([...running.values()].map((d) => d.stop()));
      log.debug('devices closed');
      releaseAggregates();
      privacy.close();
      flush();
      await publisher.stop({ ...status(), state: 'offline' });
      log.debug('publisher stopped');
      buffer.close();
      await runtime.close();
      await health.close();
      log.info('edge agent stopped');
    },
  };
}

/**
 * Every reading carries its gateway's `site` (docs/data.md's per-site queries group by it). A reading that
 * names a site itself (a partner's record of another site) keeps its own.
 */
export function withSite(reading: Reading, site: string | undefined): Reading {
  if (site === undefined || reading.tags.site !== undefined) return reading;
  return { ...reading, tags: { ...reading.tags, site } };
}
