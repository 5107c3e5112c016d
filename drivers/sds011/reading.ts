import type { Reading } from '../../wire/reading.js';

/** A data frame as an `air_quality` reading. The sensor's id bytes are its serial: an identifier. */
export function toReading(frame: { pm2_5: number; pm10: number; deviceId: number }, time: bigint): Reading {
  return {
    measurement: 'air_quality',
    tags: { sensor: 'sds011', serial: frame.deviceId.toString(16).toUpperCase().padStart(4, '0') },
    fields: { pm2_5_ugm3: frame.pm2_5, pm10_ugm3: frame.pm10 },
    time,
    identifiers: ['serial'],
  };
}
