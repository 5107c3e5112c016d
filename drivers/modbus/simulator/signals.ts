import type { RegisterDef } from '../options.js';

/**
 * Plausible values for a simulated register, in field units: a slow wave with a little noise across the
 * profile's `simulate: {min, max}` range, or an index that only grows (`counter: true`) for energies.
 */
export type Signal = (seconds: number) => number | boolean | string;

export function signalFor(def: RegisterDef, seed: number): Signal {
  if (def.type === 'bit') return (s) => Math.floor(s / 10 + seed) % 2 === 0;
  if (def.type === 'string') return () => 'TIDEGATE'.slice(0, (def.length ?? 1) * 2);
  const { min, max, counter } = def.simulate ?? { min: 0, max: 100, counter: false };
  if (def.as === 'time') {
    // The start of the last complete period of `max` seconds (6 minutes by default), in Unix seconds.
    const period = def.simulate ? max : 360;
    return () => (Math.floor(Date.now() / 1000 / period) - 1) * period;
  }
  if (counter) {
    // About 1 % of the range an hour, so the index moves visibly during a demo and stays in range for days.
    const perSecond = (max - min) / 360_000;
    return (s) => min + perSecond * s;
  }
  const middle = (min + max) / 2;
  const half = (max - min) / 2;
  return (s) => {
    const wave = Math.sin(s / 60 + seed) * 0.8 + Math.sin(s / 7 + seed * 3) * 0.15;
    return Math.min(max, Math.max(min, middle + half * wave + half * 0.05 * (Math.random() - 0.5)));
  };
}

/** The raw register value of a field value: the inverse of scale and offset, rounded for integer types. */
export function rawOf(def: RegisterDef, value: number | boolean | string): number | bigint | boolean | string {
  if (typeof value !== 'number') return value;
  const raw = (value - def.offset) / def.scale;
  if (def.type === 'float32' || def.type === 'float64') return raw;
  const rounded = Math.round(raw);
  return def.type.endsWith('64') ? BigInt(rounded) : rounded;
}
