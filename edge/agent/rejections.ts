/**
 * Rejected frames are counted per device and reported as events at most once per period: the first
 * rejection of a device at once (an operator sees a garbage stream when it starts), the ones after it
 * as one event per period with the count and the last reason, so a noisy line cannot flood the broker.
 */
export class RejectionAggregator {
  private readonly pending = new Map<string, { count: number; reason: string }>();
  private readonly lastReport = new Map<string, number>();

  constructor(
    private readonly periodMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one rejection; returns the event to send now when the device was quiet for a period. */
  add(device: string, reason: string): { device: string; count: number; reason: string } | undefined {
    const last = this.lastReport.get(device);
    if (last === undefined || this.now() - last >= this.periodMs) {
      this.lastReport.set(device, this.now());
      const earlier = this.pending.get(device)?.count ?? 0;
      this.pending.delete(device);
      return { device, count: earlier + 1, reason };
    }
    const entry = this.pending.get(device) ?? { count: 0, reason };
    entry.count++;
    entry.reason = reason;
    this.pending.set(device, entry);
    return undefined;
  }

  /** What accumulated since the last report, per device (called once per period). */
  drain(): { device: string; count: number; reason: string }[] {
    const out = [...this.pending].map(([device, e]) => ({ device, ...e }));
    for (const { device } of out) this.lastReport.set(device, this.now());
    this.pending.clear();
    return out;
  }
}
