// Both ends of the wire reconnect the same way (gateways to the broker, the ingestor to the broker): one policy, here.
/** Reconnect delay: doubles from `minMs` to `maxMs`, each delay drawn in [half, full] so gateways do not reconnect in step. */
export function backoffDelay(
  attempt: number,
  minMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxMs, minMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
