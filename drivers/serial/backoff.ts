/** How long to wait between attempts to reopen a port that went away. */
export interface ReopenBackoff {
  /** First wait after a failure. */
  initialMs: number;
  /** The wait doubles after each failed attempt up to this. */
  maxMs: number;
  /** How often the open port's path is checked for a vanished or replaced device. */
  watchMs: number;
}

/** The wait before the next attempt, given the previous one (0 before the first retry). */
export function nextDelay(previousMs: number, backoff: ReopenBackoff): number {
  if (previousMs <= 0) return backoff.initialMs;
  return Math.min(previousMs * 2, backoff.maxMs);
}
