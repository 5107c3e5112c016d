/**
 * Energy consumed per period from a cumulative index (Wh), as pure arithmetic on the samples of one meter.
 *
 * Between two consecutive samples a and b:
 * - b < a is a counter reset (meter replaced, index rolled over or reset): the counter starts again from
 *   b's value, and that interval counts no energy. Assuming a restart from 0 would credit b in full, which
 *   invents the whole index of a replacement meter installed part-used.
 * - b ≥ a but further apart than `maxGapNs`: the difference is real but we do not know when it was used,
 *   so no period gets it; it is reported as `unattributedWh` on the period where the gap ends.
 * - otherwise b − a is spread over [a, b] in proportion to time, so an interval straddling an hour
 *   boundary is shared between the two hours.
 * A period overlapped by an interval gets a point even when its energy is 0; a period inside a gap gets none.
 */
export interface CounterSample {
  timeNs: bigint;
  value: number;
}

export interface PeriodEnergy {
  startNs: bigint;
  energyWh: number;
  unattributedWh: number;
  resets: number;
}

export function energyPerPeriod(
  samples: CounterSample[],
  options: { periodNs: bigint; maxGapNs: bigint },
): Map<bigint, PeriodEnergy> {
  const periods = new Map<bigint, PeriodEnergy>();
  const period = (startNs: bigint): PeriodEnergy => {
    let p = periods.get(startNs);
    if (!p) {
      p = { startNs, energyWh: 0, unattributedWh: 0, resets: 0 };
      periods.set(startNs, p);
    }
    return p;
  };
  const floor = (t: bigint) => t - (((t % options.periodNs) + options.periodNs) % options.periodNs);

  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1]!;
    const b = samples[i]!;
    const dt = b.timeNs - a.timeNs;
    if (dt <= 0n) continue;
    const delta = b.value - a.value;
    if (delta < 0) {
      period(floor(b.timeNs)).resets++;
      continue;
    }
    if (dt > options.maxGapNs) {
      period(floor(b.timeNs)).unattributedWh += delta;
      continue;
    }
    for (let start = floor(a.timeNs); start < b.timeNs; start += options.periodNs) {
      const end = start + options.periodNs;
      const overlap = earlier(end, b.timeNs) - later(start, a.timeNs);
      if (overlap <= 0n) continue;
      period(start).energyWh += (delta * Number(overlap)) / Number(dt);
    }
  }
  return new Map([...periods].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
}

// Math.min/max do not take bigints.
function earlier(x: bigint, y: bigint): bigint {
  return x < y ? x : y;
}
function later(x: bigint, y: bigint): bigint {
  return x > y ? x : y;
}
