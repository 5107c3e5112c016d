import type { Clock } from './clock.js';

/**
 * Decides when the wall clock is known good: past January 1st of `minYear` and, if the clock says so,
 * confirmed by NTP. Once known good it stays so for the life of the process (a lost NTP link does not
 * make a set clock wrong). Readings taken before that are held and re-stamped (see ReadingBuffer.releaseHeld).
 */
export class ClockGuard {
  private known = false;
  readonly minValidNs: bigint;

  constructor(
    readonly clock: Clock,
    minYear: number,
  ) {
    this.minValidNs = BigInt(Date.UTC(minYear, 0, 1)) * 1_000_000n;
  }

  get isKnown(): boolean {
    return this.known;
  }

  /** Re-evaluates; returns true exactly when the clock has just become known good. */
  async check(): Promise<boolean> {
    if (this.known) return false;
    if (this.clock.wallNs() < this.minValidNs) return false;
    if (!(await this.clock.externallySynced())) return false;
    if (this.clock.wallNs() < this.minValidNs) return false;
    this.known = true;
    return true;
  }

  /** Whether a reading's time may be published as is. */
  plausible(timeNs: bigint): boolean {
    return this.known && timeNs >= this.minValidNs;
  }
}
