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

/** Timers under the test's control: the one pending timer fires when the test says, at the time it says. */
function manualTimers(start: number) {
  let clock = start;
  let pending: { fn: () => void; at: number } | undefined;
  return {
    now: () => clock,
    timers: {
      setTimeout: (fn: () => void, ms: number) => {
        pending = { fn, at: clock + ms };
        return pending;
      },
      clearTimeout: () => {
        pending = undefined;
      },
    },
    /** Fires the pending timer `skewMs` away from when it was due (negative: early), then lets the poll settle. */
    async fire(skewMs: number) {
      const timer = pending!;
      pending = undefined;
      clock = timer.at + skewMs;
      timer.fn();
      await new Promise((resolve) => setImmediate(resolve));
    },
    get due() {
      return pending?.at;
    },
  };
}

describe('startPoller with timers that fire early and late', () => {
  it('polls once per tick, never before the aligned tick, whatever the timer skew', async () => {
    const t = manualTimers(10_000.5);
    const polls: number[] = [];
    const poller = startPoller({
      everyMs: 1000,
      poll: async () => {
        polls.push(t.now());
      },
      now: t.now,
      timers: t.timers,
    });
    expect(t.due).toBe(11_000);
    await t.fire(-1); // 1 ms early: re-armed for the rest, no poll yet
    expect(polls).toEqual([]);
    expect(t.due).toBe(11_000);
    await t.fire(0);
    await t.fire(7); // late
    await t.fire(-3); // early again
    await t.fire(0);
    await t.fire(-1);
    await t.fire(0);
    await t.fire(1_500); // the 15 s tick comes at 16.5 s: the 16 s tick is gone, no catch-up poll
    await t.fire(-2);
    await t.fire(0);
    await poller.stop();
    expect(polls).toEqual([11_000, 12_007, 13_000, 14_000, 16_500, 17_000]);
    // One poll per interval slot and none stamped x.999 of the previous second.
    expect(new Set(polls.map((p) => Math.floor(p / 1000))).size).toBe(polls.length);
    expect(poller.skipped).toBe(0);
    expect(poller.ticks).toBe(polls.length);
  });

  it('counts a skip only for a real tick that meets a running poll', async () => {
    const t = manualTimers(0);
    let release: () => void = () => {};
    let calls = 0;
    const poller = startPoller({
      everyMs: 100,
      poll: () => {
        calls++;
        return new Promise<void>((resolve) => {
          release = resolve;
        });
      },
      now: t.now,
      timers: t.timers,
    });
    await t.fire(0); // poll 1 starts and hangs
    await t.fire(-1); // early: not a tick
    await t.fire(0); // tick 200: skipped
    expect(poller.skipped).toBe(1);
    release();
    await new Promise((resolve) => setImmediate(resolve));
    await t.fire(-1);
    await t.fire(0); // tick 300: polls
    expect(calls).toBe(2);
    release();
    await poller.stop();
    expect(poller.ticks).toBe(3);
  });
});
