import type { Reading } from '../../wire/reading.js';
import type { VehicleRecord } from './record.js';

export type SpeedUnit = 'mph' | 'kmh';
export type LengthUnit = 'ft' | 'm';

const KMH_PER_MPH = 1.609344;
const M_PER_FT = 0.3048;

export interface AggregatorSettings {
  periodS: number;
  speedUnit: SpeedUnit;
  lengthUnit: LengthUnit;
}

interface Bucket {
  count: number;
  speedKmhSum: number;
  lengthMSum: number;
  occupiedMs: number;
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

/**
 * Sums vehicles per period (aligned on the epoch, so 6-minute periods start at :00, :06, … as SIREDO
 * stations count), lane, direction (forward, or reverse for a negative speed) and class. A period is
 * emitted when a vehicle of a later period arrives or when `flushBefore` passes its end; a vehicle of a
 * period already emitted is refused as late, never added to a second reading of the same series.
 */
export class TrafficAggregator {
  private readonly periodMs: number;
  private readonly open = new Map<number, Map<string, Bucket>>();
  private emittedBefore = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly settings: AggregatorSettings,
    private readonly emit: (reading: Reading) => void,
  ) {
    this.periodMs = settings.periodS * 1000;
  }

  /** Adds a vehicle; returns a reason when it is refused. */
  add(vehicle: VehicleRecord): string | undefined {
    const start = Math.floor(vehicle.timeMs / this.periodMs) * this.periodMs;
    if (start < this.emittedBefore) return `late: its period ${new Date(start).toISOString()} was already sent`;
    this.flushBefore(start);
    const direction = vehicle.speed < 0 ? 'reverse' : 'forward';
    const key = `${vehicle.lane}\u0000${direction}\u0000${vehicle.class}`;
    let period = this.open.get(start);
    if (!period) {
      period = new Map();
      this.open.set(start, period);
    }
    let bucket = period.get(key);
    if (!bucket) {
      bucket = { count: 0, speedKmhSum: 0, lengthMSum: 0, occupiedMs: 0 };
      period.set(key, bucket);
    }
    const speed = Math.abs(vehicle.speed);
    bucket.count++;
    bucket.speedKmhSum += this.settings.speedUnit === 'mph' ? speed * KMH_PER_MPH : speed;
    bucket.lengthMSum += this.settings.lengthUnit === 'ft' ? vehicle.length * M_PER_FT : vehicle.length;
    bucket.occupiedMs += vehicle.durationMs;
    return undefined;
  }

  /** Emits every period that ends at or before `timeMs`. */
  flushBefore(timeMs: number): void {
    for (const start of [...this.open.keys()].sort((a, b) => a - b)) {
      if (start + this.periodMs > timeMs) break;
      this.emitPeriod(start);
    }
  }

  /** Emits every open period (end of input, device closed): the last may be partial. */
  flushAll(): void {
    for (const start of [...this.open.keys()].sort((a, b) => a - b)) this.emitPeriod(start);
  }

  /** Drops the open periods (device closed mid-period); returns how many vehicles each held. */
  discardOpen(): { startMs: number; vehicles: number }[] {
    const dropped = [...this.open.entries()].map(([startMs, period]) => ({
      startMs,
      vehicles: [...period.values()].reduce((sum, bucket) => sum + bucket.count, 0),
    }));
    this.open.clear();
    return dropped;
  }

  private emitPeriod(start: number): void {
    const period = this.open.get(start);
    this.open.delete(start);
    this.emittedBefore = Math.max(this.emittedBefore, start + this.periodMs);
    if (!period) return;
    const periodS = this.settings.periodS;
    const keys = [...period.keys()].sort();
    for (const key of keys) {
      const bucket = period.get(key)!;
      const [lane, direction, vehicleClass] = key.split('\u0000') as [string, string, string];
      this.emit({
        measurement: 'traffic',
        tags: { lane, direction, class: vehicleClass },
        fields: {
          count: BigInt(bucket.count),
          flow_veh_h: round((bucket.count * 3600) / periodS, 3),
          mean_speed_kmh: round(bucket.speedKmhSum / bucket.count, 1),
          mean_length_m: round(bucket.lengthMSum / bucket.count, 2),
          occupancy_pct: round((bucket.occupiedMs / (periodS * 1000)) * 100, 3),
          period_s: periodS,
        },
        time: BigInt(start) * 1_000_000n,
      });
    }
  }
}
