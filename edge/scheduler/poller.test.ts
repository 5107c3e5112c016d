import { describe, expect, it } from 'vitest';
import { waitFor } from '../../tests/harness/index.js';
import { startPoller } from './poller.js';

describe('startPoller', () => {
  it('skips ticks while a poll overruns, never runs two at once, and resumes after it', async () => {
    let calls = 0;
    let running = 0;
    let maxRunning = 0;
    let release: () => void = () => {};
    const poller = startPoller({
      everyMs: 20,
      poll: () => {
        calls++;
        running++;
        maxRunning = Math.max(maxRunning, running);
        return new Promise<void>((resolve) => {
          release = () => {
            running--;
            resolve();
          };
        });
      },
    });
    await waitFor(() => poller.skipped >= 3, 'ticks skipped during the overrun');
    expect(calls).toBe(1);
    release();
    await waitFor(() => calls >= 2, 'the next poll after the overrun');
    release();
    await poller.stop();
    expect(maxRunning).toBe(1);
    expect(poller.ticks).toBe(calls + poller.skipped);
  });

  it('ticks on multiples of the interval', async () => {
    const times: number[] = [];
    const poller = startPoller({
      everyMs: 50,
      poll: async () => {
        times.push(Date.now());
      },
    });
    await waitFor(() => times.length >= 3, 'three polls');
    await poller.stop();
    // setTimeout fires at or after its time: each poll lands in the interval slot it was aimed at.
    const slots = times.map((t) => Math.floor(t / 50));
    expect(new Set(slots).size).toBe(slots.length);
  });
});
