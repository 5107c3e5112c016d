import { waitFor } from '../harness/index.js';
import { type Balance, balance, type EdgeCounters, storedPerDevice, sum } from './counts.js';
import type { ChaosStack } from './stack.js';

export interface Settled extends Balance {
  /** Readings the broker acknowledged more than once (an edge sent them again after a lost PUBACK). */
  duplicates: number;
}

/**
 * Freezes the devices (the simulators), then waits until InfluxDB holds every reading the edges read,
 * or until nothing has moved for `quietMs`: then what is missing is lost. `resumeDevices` after.
 */
export async function settle(
  stack: ChaosStack,
  counters: EdgeCounters,
  quietMs = 8_000,
  pendingMs = 60_000,
): Promise<Settled> {
  for (const edge of stack.edges) stack.freezeSimulators(edge, true);
  // A poll in flight may still end with a reading.
  await new Promise((r) => setTimeout(r, 500));
  let last = '';
  let lastChange = Date.now();
  for (;;) {
    const { read, published, backlog } = await counters.totals(stack.edges);
    const stored = await storedPerDevice(stack.options.influxUrl, stack.options.database, read);
    const result = balance(read, stored);
    const now = JSON.stringify([result, sum(published), backlog]);
    if (now !== last) {
      last = now;
      lastChange = Date.now();
    }
    // A reading still in an edge's buffer is not lost, only late (an edge waiting out its reconnect
    // back-off after a long cut): give it up to `pendingMs` before counting it lost.
    const quiet = Date.now() - lastChange;
    if (result.lost === 0 || (quiet > quietMs && backlog === 0) || quiet > pendingMs)
      return { ...result, duplicates: Math.max(0, sum(published) - result.read) };
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Thaws (or starts) the simulators and waits until every device gives readings again. */
export async function resumeDevices(stack: ChaosStack, counters?: EdgeCounters): Promise<void> {
  const before = counters && (await counters.totals(stack.edges)).read;
  for (const edge of stack.edges) {
    if (edge.sds011 || edge.modbus) stack.freezeSimulators(edge, false);
    else stack.startSimulators(edge);
  }
  if (!counters || !before) return;
  await waitFor(
    async () => {
      const { read } = await counters.totals(stack.edges);
      return [...read].every(([k, n]) => n > (before.get(k) ?? 0));
    },
    'every device to give readings again',
    90_000,
    100,
  );
}
