import type { Reading } from '../../wire/reading.js';
import type { PrivacyCounters } from './counters.js';

/**
 * The privacy stage sits between a driver and the buffer: what it returns is what may leave the
 * gateway. It may hold readings back (consent granularity aggregates them) and release them later.
 */
export interface PrivacyStage {
  /** Readings of one device, in time order; returns the readings that may be buffered now (0..n). */
  process(deviceId: string, reading: Reading): Reading[];
  /** Called at least once a minute: releases what is due (end of a half-hour or a day). */
  tick(nowNs: bigint): Reading[];
  close(): void;
  /** What it did so far, for /metrics (tidegate_privacy_total). */
  counters?(): PrivacyCounters;
}
