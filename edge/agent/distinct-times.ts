const NS_PER_MS = 1_000_000n;

/**
 * Readings are stamped in whole milliseconds, and InfluxDB keeps one point per series and
 * timestamp: two frames of one device parsed in the same millisecond (they queued up on the serial
 * line while the event loop was busy) would become one point, a reading silently lost. A reading
 * stamped at or just before its device's previous one (same millisecond) is moved 1 ns after it.
 * A clock stepped back further than that is left alone.
 */
export class DistinctTimes {
  private readonly last = new Map<string, bigint>();

  next(device: string, time: bigint): bigint {
    const previous = this.last.get(device);
    const stamped = previous !== undefined && time <= previous && previous - time < NS_PER_MS ? previous + 1n : time;
    this.last.set(device, stamped);
    return stamped;
  }
}
