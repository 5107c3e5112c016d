import type { Reading } from '../../../wire/index.js';

/** A plausible reading for a simulated device, its kind chosen by its id; `tick` makes values move. */
export function simulatedReading(device: string, tick: number, time: bigint): Reading {
  const wave = Math.sin(tick / 5);
  if (device.startsWith('meter'))
    return {
      measurement: 'electricity',
      tags: { meter: `m-${device}` },
      fields: {
        active_power_w: 1200 + 300 * wave + tick,
        voltage_v: 230 + wave,
        energy_import_wh: BigInt(10_000 + tick),
      },
      time,
    };
  if (device.startsWith('road'))
    return {
      measurement: 'traffic',
      tags: { lane: '1', class: 'car', direction: 'in' },
      fields: { count: BigInt(20 + (tick % 7)), mean_speed_kmh: 42 + 8 * wave, occupancy_pct: 12 + 3 * wave },
      time,
    };
  return {
    measurement: 'air_quality',
    tags: { sensor: 'sds011' },
    fields: { pm2_5_ugm3: Math.round((12 + 4 * wave + tick / 10) * 10) / 10, pm10_ugm3: 20 + 5 * wave },
    time,
  };
}
