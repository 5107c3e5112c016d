import type { Reading } from '../../wire/reading.js';

/** A Linky as the teleinfo driver reports it (historique, HC/HP), for the privacy stage's tests. */
export interface SyntheticLinky {
  adco: string;
  /** Mean power (W) at a local hour of day. */
  profile?: (hourOfDay: number) => number;
  startHcWh?: number;
  startHpWh?: number;
}

/**
 * Readings every `stepS` seconds from `fromNs` to `toNs` (excluded), integrating the power profile
 * into the HC index at night (22:00–06:00 UTC+1) and HP otherwise. Deterministic.
 */
export function* linkyReadings(meter: SyntheticLinky, fromNs: bigint, toNs: bigint, stepS: number): Generator<Reading> {
  const profile = meter.profile ?? ((h: number) => 400 + 1200 * Math.max(0, Math.sin(((h - 6) / 24) * 2 * Math.PI)));
  let hc = meter.startHcWh ?? 1_234_567;
  let hp = meter.startHpWh ?? 7_654_321;
  const step = BigInt(stepS) * 1_000_000_000n;
  for (let t = fromNs; t < toNs; t += step) {
    const hour = (((Number(t / 1_000_000_000n) / 3600 + 1) % 24) + 24) % 24;
    const power = profile(hour);
    const offPeak = hour >= 22 || hour < 6;
    if (offPeak) hc += (power * stepS) / 3600;
    else hp += (power * stepS) / 3600;
    yield {
      measurement: 'electricity',
      tags: { meter: meter.adco },
      fields: {
        energy_hc_wh: BigInt(Math.floor(hc)),
        energy_hp_wh: BigInt(Math.floor(hp)),
        apparent_power_va: BigInt(Math.round(power)),
        current_a: BigInt(Math.round(power / 230)),
        tariff_period: offPeak ? 'HC' : 'HP',
      },
      time: t,
      identifiers: ['meter'],
    };
  }
}

/** The UTC instant (ns) of an ISO date-time string. */
export function ns(iso: string): bigint {
  return BigInt(Date.parse(iso)) * 1_000_000n;
}
