import type { Logger } from 'pino';
import type { DeviceState, DriverModule } from '../../drivers/driver.js';
import { loadDriver } from '../../drivers/registry.js';
import { createDriverRuntime } from '../../drivers/runtime.js';
import type { GatewayStatus } from '../../wire/messages.js';
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
import { runDevice } from './devices.js';
import { ReadingPipeline } from './pipeline.js';
import { privacyStageFor } from './privacy.js';

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
  const log = options.logger ?? createLogger(config.health.logLevel, config.gateway.id);
  const privacy = options.privacy ?? privacyStageFor(loaded, log);
  const clock = options.clock ?? systemClock(config.clock.check);
  const buffer = new ReadingBuffer({ path: config.buffer.path, maxBytes: config.buffer.maxBytes });
  const metrics = createMetrics({
    brokerConnected: () => publisher.connected,
    lastPublishAt: () => publisher.lastPublishAt,
    eventsDroppedOffline: () => publisher.eventsDroppedOffline,
    privacy: () => privacy.counters?.(),
    deviceCounters: () =>
      [...pipeline.running].map(([id, device]) => [id, device.counters()] as [string, Record<string, number>]),
  });
  const topics = new Topics(config.mqtt.topicPrefix);
  const guard = new ClockGuard(clock, config.clock.minYear);
  const pipeline = new ReadingPipeline({
    loaded,
    log,
    metrics,
    topics,
    clock,
    guard,
    buffer,
    privacy,
    rejectionReportMs: options.rejectionReportMs ?? 60_000,
  });
  const publisher = createPublisher(loaded, topics, buffer, log, pipeline, metrics);
  pipeline.publisher = publisher;

  await pipeline.checkClock();
  if (!guard.isKnown) log.warn('the clock is not known to be set: readings are held until it is');
  const health = await startHealthServer(config.health.listen, metrics, () =>
    healthReport(pipeline.status(), publisher, config.mqtt.url, buffer.droppedTotal()),
  );
  publisher.start();
  if (options.reloaded) pipeline.event('config_reloaded', { reason: `${loaded.file} reloaded` });
  const runtime = createDriverRuntime(toBusSettings(config.buses));
  await startDevices(loaded, options, runtime, pipeline, metrics, log);
  const timers = startTimers(config, options, pipeline, log);
  log.info({ devices: loaded.devices.length, broker: redactUrl(config.mqtt.url), version }, 'edge agent started');

  return {
    metrics,
    buffer,
    publisher,
    clock: guard,
    healthPort: health.port,
    status: () => pipeline.status(),
    flush: () => pipeline.flush(),
    async stop() {
      if (pipeline.stopping) return;
      pipeline.stopping = true;
      for (const timer of timers) clearInterval(timer);
      await Promise.allSettled([...pipeline.running.values()].map((d) => d.stop()));
      log.debug('devices closed');
      pipeline.releaseAggregates();
      privacy.close();
      pipeline.flush();
      await publisher.stop({ ...pipeline.status(), state: 'offline' });
      log.debug('publisher stopped');
      buffer.close();
      await runtime.close();
      await health.close();
      log.info('edge agent stopped');
    },
  };
}

function createPublisher(
  loaded: LoadedConfig,
  topics: Topics,
  buffer: ReadingBuffer,
  log: Logger,
  pipeline: ReadingPipeline,
  metrics: Metrics,
): Publisher {
  const { mqtt, gateway } = loaded.config;
  return new Publisher({
    url: mqtt.url,
    clientId: mqtt.clientId ?? `tidegate-${gateway.id}`,
    username: mqtt.username,
    password: loaded.mqttPassword,
    caFile: mqtt.caFile,
    certFile: mqtt.certFile,
    keyFile: mqtt.keyFile,
    keepaliveMs: mqtt.keepalive,
    reconnectMinMs: mqtt.reconnectMin,
    reconnectMaxMs: mqtt.reconnectMax,
    maxMessageBytes: mqtt.maxMessageBytes,
    dataTopic: (device) => topics.data(gateway.id, device),
    statusTopic: topics.status(gateway.id),
    willPayload: () => JSON.stringify({ state: 'offline', gateway: gateway.id, time: pipeline.isoNow() }),
    buffer,
    logger: log,
    onConnect: () => pipeline.publishStatus(),
    onPublished: (device, n) => metrics.published.inc({ device }, n),
  });
}

/** Each configured device on its driver, reporting into the pipeline. */
async function startDevices(
  loaded: LoadedConfig,
  options: AgentOptions,
  runtime: ReturnType<typeof createDriverRuntime>,
  pipeline: ReadingPipeline,
  metrics: Metrics,
  log: Logger,
): Promise<void> {
  for (const device of loaded.devices) {
    const module = options.drivers?.get(device.driver) ?? (await loadDriver(device.driver));
    const id = device.id;
    const sink = {
      reading: (reading: Reading) => pipeline.reading(id, reading),
      rejected: (reason: string, detail?: string) => pipeline.reject(id, reason, detail),
      state: (state: DeviceState, reason?: string) => pipeline.setState(id, state, reason),
    };
    const hooks = {
      onPollError: (e: Error) => {
        metrics.pollErrors.inc({ device: id });
        log.warn({ device: id, err: e.message }, 'poll failed');
      },
      onSkip: () => metrics.skipped.inc({ device: id }),
    };
    pipeline.running.set(id, runDevice(device, module, runtime, sink, hooks));
  }
}

/** Buffer flushes, clock checks, aggregates, rejection reports and the status, each on its period. */
function startTimers(
  config: LoadedConfig['config'],
  options: AgentOptions,
  pipeline: ReadingPipeline,
  log: Logger,
): NodeJS.Timeout[] {
  const every = (ms: number, fn: () => unknown) =>
    setInterval(() => {
      try {
        const result = fn();
        if (result instanceof Promise)
          result.catch((e: Error) => log.error({ err: e.message }, 'periodic task failed'));
      } catch (e) {
        log.error({ err: (e as Error).message }, 'periodic task failed');
      }
    }, ms);
  return [
    every(config.buffer.flushEvery, () => pipeline.flush()),
    every(options.clockCheckMs ?? 5000, () => pipeline.checkClock()),
    every(30_000, () => pipeline.releaseAggregates()),
    every(options.rejectionReportMs ?? 60_000, () => {
      for (const r of pipeline.rejections.drain()) pipeline.event('frame_rejected', r);
    }),
    every(config.mqtt.statusEvery, () => pipeline.publishStatus()),
  ];
}
