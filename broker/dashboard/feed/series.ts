/**
 * The recent values of one numeric field: a ring of (time, value) pairs that keeps at most
 * `capacity` points and forgets points older than `windowMs` when read. Grows by doubling so that
 * thousands of quiet series cost little memory.
 */
export class Series {
  private times: Float64Array;
  private values: Float64Array;
  private start = 0;
  private size = 0;

  constructor(
    private readonly capacity: number,
    private readonly windowMs: number,
  ) {
    const initial = Math.min(16, capacity);
    this.times = new Float64Array(initial);
    this.values = new Float64Array(initial);
  }

  get length(): number {
    return this.size;
  }

  push(timeMs: number, value: number): void {
    if (this.size === this.times.length && this.size < this.capacity) this.grow();
    if (this.size < this.times.length) {
      const at = (this.start + this.size) % this.times.length;
      this.times[at] = timeMs;
      this.values[at] = value;
      this.size++;
    } else {
      this.times[this.start] = timeMs;
      this.values[this.start] = value;
      this.start = (this.start + 1) % this.times.length;
    }
  }

  /** The points of the window ending at `nowMs`, oldest first, as uPlot wants them (seconds, values). */
  window(nowMs: number): [number[], number[]] {
    const since = nowMs - this.windowMs;
    const xs: number[] = [];
    const ys: number[] = [];
    for (let i = 0; i < this.size; i++) {
      const at = (this.start + i) % this.times.length;
      const t = this.times[at] as number;
      if (t < since) continue;
      xs.push(t / 1000);
      ys.push(this.values[at] as number);
    }
    return [xs, ys];
  }

  private grow(): void {
    const size = Math.min(this.capacity, this.times.length * 2);
    const times = new Float64Array(size);
    const values = new Float64Array(size);
    for (let i = 0; i < this.size; i++) {
      const at = (this.start + i) % this.times.length;
      times[i] = this.times[at] as number;
      values[i] = this.values[at] as number;
    }
    this.times = times;
    this.values = values;
    this.start = 0;
  }
}
