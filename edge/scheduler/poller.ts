/**
 * Runs `poll` every `everyMs`, on ticks aligned to multiples of the interval (a 10 s device reads at
 * :00, :10, :20...), so readings of devices with equal intervals line up. A tick that comes while the
 * previous poll is still running is skipped and counted, never queued: an overrun cannot pile up.
 */
export interface Poller {
  stop(): Promise<void>;
  readonly ticks: number;
  readonly skipped: number;
}

/** The timer functions the poller uses (injectable so tests can fire them early or late). */
export interface PollerTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface PollerOptions {
  everyMs: number;
  poll(): Promise<void>;
  onSkip?(): void;
  now?: () => number;
  timers?: PollerTimers;
}

const systemTimers: PollerTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export function startPoller({ everyMs, poll, onSkip, now = Date.now, timers = systemTimers }: PollerOptions): Poller {
  let timer: unknown;
  let running: Promise<void> | undefined;
  let stopped = false;
  let ticks = 0;
  let skipped = 0;
  /** The aligned tick the timer is aimed at; a tick happens only once the wall clock has reached it. */
  let target = 0;

  const nextTickAfter = (t: number) => (Math.floor(t / everyMs) + 1) * everyMs;
  const arm = () => {
    if (!stopped) timer = timers.setTimeout(fire, Math.max(0, target - now()));
  };
  // Timers and the wall clock disagree by a millisecond or so: a timer that fires before its tick is
  // re-armed for the rest, so one tick never polls twice (once early, once on time) nor stamps x.999.
  const fire = () => {
    const t = now();
    if (t < target) return arm();
    ticks++;
    if (running) {
      skipped++;
      onSkip?.();
    } else {
      running = poll()
        .catch(() => {}) // poll reports its own failures
        .finally(() => {
          running = undefined;
        });
    }
    target = nextTickAfter(t);
    arm();
  };
  target = nextTickAfter(now());
  arm();
  return {
    async stop() {
      stopped = true;
      timers.clearTimeout(timer);
      await running;
    },
    get ticks() {
      return ticks;
    },
    get skipped() {
      return skipped;
    },
  };
}
