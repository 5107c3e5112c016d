import type { Reading } from '../../wire/reading.js';
import type { Pms5003Frame } from './protocol.js';

/**
 * A data frame as an `air_quality` reading: the atmospheric-environment concentrations (data 4–6 of
 * Appendix I). The CF=1 values are for factory environments (the manual's note) and are not sent.
 */
export function toReading(frame: Pms5003Frame, time: bigint): Reading {
  const { pm1, pm2_5, pm10 } = frame.atmospheric;
  return {
    measurement: 'air_quality',
    tags: { sensor: 'pms5003' },
    fields: { pm1_ugm3: pm1, pm2_5_ugm3: pm2_5, pm10_ugm3: pm10 },
    time,
  };
}

export const PMS5003_FIELDS = ['pm1_ugm3', 'pm2_5_ugm3', 'pm10_ugm3'];
