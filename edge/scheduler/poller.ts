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

export interface PollerOptions {
  everyMs: number;
  poll(): Promise<void>;
  onSkip?(): void;
  now?: () => number;
}

export function startPoller({ everyMs, poll, onSkip, now = Date.now }: PollerOptions): Poller {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  let ticks = 0;
  let skipped = 0;

  const schedule = () => {
    if (stopped) return;
    const t = now();
    const delay = everyMs - (t % everyMs);
    timer = setTimeout(tick, delay);
  };
  const tick = () => {
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
    schedule();
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
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
