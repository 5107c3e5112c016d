import { SELF_DATA_MEASUREMENT } from '../../../wire/catalogue/index.js';
import type { Reading } from '../../../wire/reading.js';
import { type Consent, granularitiesOf, widens } from './consent.js';
import { type EnergyPeriodState, EnergyPeriods } from './energy-period.js';
import type { LocalClock } from './local-time.js';
import { type Granularity, periodOf } from './periods.js';

/** What survives a restart for one self-data device. */
export interface DeviceConsentState {
  /** The consent in force now (a change in the config may still be pending). */
  consent: Consent;
  /** A wider consent that takes effect at `from` (ns), the next half-hour boundary after it was seen. */
  pending?: { consent: Consent; from?: bigint };
  periods: Partial<Record<Granularity, EnergyPeriodState>>;
  /** The last aggregate released per granularity, released again after a restart (InfluxDB keeps one). */
  lastReleased: Partial<Record<Granularity, Reading>>;
}

export interface DeviceOutcome {
  out: Reading[];
  /** The reading itself was held back (aggregated, or refused by consent). */
  aggregated: boolean;
  refused: boolean;
  released: number;
  counterResets: number;
  /** Something worth persisting at once changed (a period opened or closed, consent moved). */
  structural: boolean;
}

/**
 * Applies one self-data device's consent. Narrowing (towards `none`) applies at once and discards
 * the finer period in progress; widening applies from the next half-hour boundary, so data read
 * before the change is never released at a finer granularity than was consented when it was read.
 */
export class DeviceConsent {
  readonly state: DeviceConsentState;
  private readonly periods = new Map<Granularity, EnergyPeriods>();

  constructor(
    /** Put on each aggregate as its `device` tag: what `tick()` releases must say whose it is. */
    private readonly deviceId: string,
    configured: Consent,
    private readonly clock: LocalClock,
    saved?: DeviceConsentState,
  ) {
    this.state = saved ?? { consent: configured, periods: {}, lastReleased: {} };
    if (configured === this.state.consent) delete this.state.pending;
    else if (widens(this.state.consent, configured)) {
      if (this.state.pending?.consent !== configured) this.state.pending = { consent: configured };
    } else {
      delete this.state.pending;
      this.narrowTo(configured);
    }
    for (const granularity of granularitiesOf(this.state.consent)) this.periodsOf(granularity);
  }

  get consent(): Consent {
    return this.state.consent;
  }

  process(reading: Reading): DeviceOutcome {
    const structural = this.applyPending(reading.time);
    const outcome: DeviceOutcome = {
      out: [],
      aggregated: false,
      refused: false,
      released: 0,
      counterResets: 0,
      structural,
    };
    const consent = this.state.consent;
    const aggregatable = reading.measurement === SELF_DATA_MEASUREMENT;
    if (consent === 'none' || (consent !== 'raw' && !aggregatable)) {
      outcome.refused = true;
      return outcome;
    }
    if (aggregatable) {
      for (const periods of this.periods.values()) {
        const wasOpen = periods.state.open?.start;
        const { counterResets, ...added } = periods.add(reading);
        const released = this.remember(periods.granularity, added.released);
        outcome.out.push(...released);
        outcome.released += released.length;
        outcome.counterResets += counterResets;
        if (periods.state.open?.start !== wasOpen || counterResets > 0) outcome.structural = true;
      }
    }
    if (consent === 'raw') outcome.out.push(reading);
    else outcome.aggregated = true;
    return outcome;
  }

  /** Releases the periods that have ended by `now`. */
  tick(now: bigint): { out: Reading[]; structural: boolean } {
    let structural = this.applyPending(now);
    const out: Reading[] = [];
    for (const periods of this.periods.values()) {
      const released = this.remember(periods.granularity, periods.due(now));
      out.push(...released);
      if (released.length) structural = true;
    }
    return { out, structural };
  }

  /** The last released aggregates that the consent in force still allows. */
  replay(): Reading[] {
    return granularitiesOf(this.state.consent).flatMap((g) => {
      const reading = this.state.lastReleased[g];
      return reading ? [reading] : [];
    });
  }

  private applyPending(now: bigint): boolean {
    const pending = this.state.pending;
    if (!pending) return false;
    if (pending.from === undefined) {
      pending.from = periodOf('half-hourly', now, this.clock).end;
      return true;
    }
    if (now < pending.from) return false;
    const from = pending.from;
    const daily = this.state.periods.daily?.open;
    this.state.consent = pending.consent;
    delete this.state.pending;
    for (const granularity of granularitiesOf(this.state.consent)) {
      if (this.periods.has(granularity)) continue;
      // Counted from the last index the daily period saw, so the first new period misses no energy.
      const carry = daily ? { end: from, last: { ...daily.last }, lastTime: daily.lastTime } : undefined;
      this.state.periods[granularity] = carry ? { carry } : {};
      this.periodsOf(granularity);
    }
    return true;
  }

  private narrowTo(consent: Consent): void {
    this.state.consent = consent;
    const kept = new Set(granularitiesOf(consent));
    for (const granularity of Object.keys(this.state.periods) as Granularity[]) {
      if (kept.has(granularity)) continue;
      delete this.state.periods[granularity];
      delete this.state.lastReleased[granularity];
      this.periods.delete(granularity);
    }
  }

  private periodsOf(granularity: Granularity): EnergyPeriods {
    let periods = this.periods.get(granularity);
    if (!periods) {
      const state = this.state.periods[granularity] ?? {};
      this.state.periods[granularity] = state;
      periods = new EnergyPeriods(granularity, this.clock, state);
      this.periods.set(granularity, periods);
    }
    return periods;
  }

  private remember(granularity: Granularity, released: Reading[]): Reading[] {
    const labelled = released.map((r) => ({ ...r, tags: { ...r.tags, device: this.deviceId } }));
    const last = labelled.at(-1);
    if (last) this.state.lastReleased[granularity] = last;
    return labelled;
  }
}
