import type { Logger } from 'pino';
import type { DeviceState } from '../../drivers/driver.js';
import { isoTime } from '../../wire/iso-time.js';
import { EncodeError } from '../../wire/line-protocol/encode.js';
import type { EventType, GatewayEvent, GatewayStatus } from '../../wire/messages.js';
import type { Reading } from '../../wire/reading.js';
import type { Topics } from '../../wire/topics.js';
import { version } from '../../wire/version.js';
import type { ReadingBuffer } from '../buffer/buffer.js';
import type { Clock } from '../clock/clock.js';
import type { ClockGuard } from '../clock/guard.js';
import type { LoadedConfig } from '../config/load.js';
import type { Metrics } from '../health/metrics.js';
import type { PrivacyStage } from '../privacy/stage.js';
import type { Publisher } from '../publisher/publisher.js';
import type { RunningDevice } from './devices.js';
import { DistinctTimes } from './distinct-times.js';
import { deviceOfReleased, publishableLocation } from './privacy.js';
import { RejectionAggregator } from './rejections.js';

export interface PipelineParts {
  loaded: LoadedConfig;
  log: Logger;
  metrics: Metrics;
  topics: Topics;
  clock: Clock;
  guard: ClockGuard;
  buffer: ReadingBuffer;
  privacy: PrivacyStage;
  rejectionReportMs: number;
}

/**
 * What happens to a device's reading, state and rejected frames on the gateway: privacy stage →
 * clock guard → durable buffer, device states and the events and retained status that tell the
 * operators. The agent (agent.ts) wires drivers, publisher and timers to it.
 */
export class ReadingPipeline {
  readonly running = new Map<string, RunningDevice>();
  readonly rejections: RejectionAggregator;
  private readonly times = new DistinctTimes();
  private readonly startedAt = new Date();
  private readonly gatewayId: string;
  /** Set once the publisher exists (it is built with callbacks into this pipeline). */
  publisher!: Publisher;
  stopping = false;

  constructor(private readonly p: PipelineParts) {
    this.gatewayId = p.loaded.config.gateway.id;
    this.rejections = new RejectionAggregator(p.rejectionReportMs);
  }

  isoNow(): string {
    return isoTime(Number(this.p.clock.wallNs() / 1_000_000n));
  }

  event(type: EventType, extra: Omit<GatewayEvent, 'type' | 'gateway' | 'time'> = {}): void {
    const message: GatewayEvent = { type, gateway: this.gatewayId, time: this.isoNow(), ...extra };
    this.p.log[type === 'device_down' || type === 'buffer_dropped' ? 'warn' : 'info']({ event: message }, type);
    this.publisher.publishJson(this.p.topics.events(this.gatewayId), message);
  }

  /** A driver's reading: counted, given a distinct time, through the privacy stage, stored. */
  reading(id: string, reading: Reading): void {
    if (this.stopping) return;
    const record = this.running.get(id)?.record;
    if (record) {
      record.readings++;
      record.lastReadingAt = new Date(Number(reading.time / 1_000_000n));
      if (record.state !== 'up') this.setState(id, 'up');
    }
    this.p.metrics.read.inc({ device: id });
    const stamped = { ...reading, time: this.times.next(id, reading.time) };
    for (const out of this.p.privacy.process(id, stamped)) this.store(id, out);
  }

  /** A reading past the privacy stage: into the buffer now, or held until the clock is known. */
  store(device: string, tagged: Reading): void {
    const { guard, buffer, clock, metrics, loaded } = this.p;
    const reading = withSite(tagged, loaded.config.gateway.site);
    try {
      if (guard.plausible(reading.time)) buffer.add(device, reading);
      else if (!guard.isKnown) {
        const mono = clock.monoNs() - (clock.wallNs() - reading.time);
        buffer.add(device, reading, { mono, boot: clock.bootId });
        metrics.held.inc({ device });
      } else {
        this.reject(device, 'implausible_time', `time ${reading.time} is before ${loaded.config.clock.minYear}`);
        return;
      }
      metrics.buffered.inc({ device });
    } catch (e) {
      if (!(e instanceof EncodeError)) throw e;
      this.reject(device, 'unencodable', e.message);
    }
  }

  reject(device: string, reason: string, detail?: string): void {
    const record = this.running.get(device)?.record;
    if (record) record.rejected++;
    this.p.metrics.rejected.inc({ device, reason });
    const now = this.rejections.add(device, detail ? `${reason}: ${detail}` : reason);
    if (now) this.event('frame_rejected', now);
  }

  setState(device: string, state: DeviceState, reason?: string): void {
    const record = this.running.get(device)?.record;
    const previous = record?.state;
    if (record) {
      record.state = state;
      if (state === 'down' && reason) record.lastError = reason;
    }
    this.p.metrics.deviceUp.set({ device }, state === 'up' ? 1 : 0);
    // A clean stop closes every device: that is not a device going down (no alarm, no event).
    if (this.stopping || state === previous || state === 'starting') return;
    if (state === 'down') this.event('device_down', { device, reason });
    if (state === 'up' && previous === 'down') this.event('device_up', { device });
    this.publishStatus();
  }

  /** Writes what was added to the buffer, reports what the cap dropped, and wakes the publisher. */
  flush(): void {
    const { buffer, metrics, loaded } = this.p;
    const result = buffer.flush();
    for (const [device, count] of result.dropped) {
      metrics.dropped.inc({ device, reason: 'buffer_full' }, count);
      this.event('buffer_dropped', {
        device,
        count,
        reason: `buffer cap of ${loaded.config.buffer.maxBytes} bytes reached: oldest dropped`,
      });
    }
    const backlog = buffer.backlog();
    metrics.backlog.set(backlog.rows);
    metrics.backlogBytes.set(backlog.bytes);
    if (result.written || result.deleted) this.publisher.kick();
  }

  /** Once the clock is known good, the readings held until then are dated and released. */
  async checkClock(): Promise<void> {
    const { guard, clock, buffer, metrics } = this.p;
    if (!(await guard.check())) return;
    metrics.clockSynced.set(1);
    const { released, undatable } = buffer.releaseHeld(clock.wallNs(), clock.monoNs(), clock.bootId);
    this.event('clock_synced', { count: released });
    for (const [device, count] of undatable) {
      metrics.dropped.inc({ device, reason: 'undatable' }, count);
      this.event('buffer_dropped', {
        device,
        count,
        reason: 'held in an earlier boot while the clock was not set: cannot be dated',
      });
    }
    this.publishStatus();
    this.publisher.kick();
  }

  /** The privacy stage's aggregates that are due, stored like readings. */
  releaseAggregates(): void {
    for (const reading of this.p.privacy.tick(this.p.clock.wallNs())) {
      const device = deviceOfReleased(reading);
      if (device) this.store(device, reading);
      else
        this.p.log.error(
          { measurement: reading.measurement },
          'an aggregate of the privacy stage names no device: not published',
        );
    }
  }

  status(): GatewayStatus {
    const { loaded, buffer, guard } = this.p;
    const devices: GatewayStatus['devices'] = {};
    for (const [id, { record }] of this.running)
      devices[id] = {
        state: record.state,
        driver: record.config.driver,
        lastReadingAt: record.lastReadingAt ? isoTime(record.lastReadingAt) : null,
        readings: record.readings,
        rejected: record.rejected,
        ...(record.lastError ? { lastError: record.lastError } : {}),
      };
    return {
      state: 'online',
      gateway: this.gatewayId,
      site: loaded.config.gateway.site,
      version,
      time: this.isoNow(),
      startedAt: isoTime(this.startedAt),
      backlog: buffer.backlog().rows,
      clockSynced: guard.isKnown,
      location: publishableLocation(loaded),
      devices,
    };
  }

  publishStatus(): void {
    if (!this.stopping) this.publisher.publishJson(this.p.topics.status(this.gatewayId), this.status(), true);
  }
}

/**
 * Every reading carries its gateway's `site` (docs/data.md's per-site queries group by it). A reading that
 * names a site itself (a partner's record of another site) keeps its own.
 */
export function withSite(reading: Reading, site: string | undefined): Reading {
  if (site === undefined || reading.tags.site !== undefined) return reading;
  return { ...reading, tags: { ...reading.tags, site } };
}
