/**
 * Rejected frames are counted per device and reported at most once per period as one event with the
 * count and the last reason: a noisy line cannot flood the broker.
 */
export class RejectionAggregator {
  private readonly pending = new Map<string, { count: number; reason: string }>();

  add(device: string, reason: string): void {
    const entry = this.pending.get(device) ?? { count: 0, reason };
    entry.count++;
    entry.reason = reason;
    this.pending.set(device, entry);
  }

  /** What accumulated since the last drain, per device. */
  drain(): { device: string; count: number; reason: string }[] {
    const out = [...this.pending].map(([device, e]) => ({ device, ...e }));
    this.pending.clear();
    return out;
  }
}
