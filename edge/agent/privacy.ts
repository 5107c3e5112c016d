import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import type { Reading } from '../../wire/reading.js';
import type { LoadedConfig } from '../config/load.js';
import { coarsenLocation, createPrivacyStage } from '../privacy/index.js';
import type { PrivacyStage } from '../privacy/stage.js';

/**
 * The one call site of the privacy stage: what the config says about privacy, passed on (key file,
 * each self-data device's consent — as configured, else its driver's `defaultConsent`, resolved by
 * the config check: a home meter without a `consent:` key publishes daily energy only — the gateway location for the grid cell, a state dir beside the buffer).
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

/** Which device an aggregate released by `tick()` belongs to: the stage tags each with its device. */
export function deviceOfReleased(reading: Reading): string | undefined {
  return reading.tags.device;
}

/** The gateway's location as it may be published: as entered, or its grid cell centre for a self-data gateway. */
export function publishableLocation({ config }: LoadedConfig): { lat: number; lon: number } | undefined {
  const location = config.gateway.location;
  if (!location || !config.gateway.selfData) return location;
  const { lat, lon } = coarsenLocation(location);
  return { lat, lon };
}
