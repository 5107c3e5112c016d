import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import type { Reading } from '../../wire/reading.js';
import type { LoadedConfig } from '../config/load.js';
import { coarsenLocation, createPrivacyStage } from '../privacy/index.js';
import type { PrivacyStage } from '../privacy/stage.js';

/**
 * The one call site of the privacy stage: what the config says about privacy, passed on (key file,
 * each self-data device's consent, the gateway location for the grid cell, a state dir beside the buffer).
 */
export function privacyStageFor({ config, devices }: LoadedConfig, log: Logger): PrivacyStage {
  return createPrivacyStage({
    keyFile: config.privacy.keyFile,
    devices: devices.flatMap((d) => (d.consent ? [{ id: d.id, consent: d.consent }] : [])),
    stateDir: join(dirname(config.buffer.path), 'privacy'),
    location: config.gateway.location,
    onProblem: (message) => log.warn({ privacy: message }, 'privacy stage problem'),
  });
}

/**
 * Which device an aggregate released by `tick()` belongs to. The stage's tick returns readings
 * without their device, so: the `device` tag if present, else the only consent device, else none.
 */
export function deviceOfReleased(reading: Reading, { devices }: LoadedConfig): string | undefined {
  if (reading.tags.device) return reading.tags.device;
  const consenting = devices.filter((d) => d.consent && d.consent !== 'raw');
  return consenting.length === 1 ? consenting[0]!.id : undefined;
}

/** The gateway's location as it may be published: as entered, or its grid cell centre for a self-data gateway. */
export function publishableLocation({ config }: LoadedConfig): { lat: number; lon: number } | undefined {
  const location = config.gateway.location;
  if (!location || !config.gateway.selfData) return location;
  const { lat, lon } = coarsenLocation(location);
  return { lat, lon };
}
