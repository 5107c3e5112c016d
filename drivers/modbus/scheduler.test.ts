import { describe, expect, it } from 'vitest';
import type { ReadRequest } from './protocol/pdu.js';
import { BusScheduler } from './scheduler.js';
import { NoAnswer, newCounters, type Transport } from './transport/transport.js';

/** A line whose slaves answer at once, except the silent ones; it records overlapping exchanges. */
function fakeLine(silent: Set<number>) {
  let inFlight = 0;
  const log: { unit: number; timeoutMs: number }[] = [];
  const line: Transport & { overlaps: number; log: typeof log } = {
    name: 'fake',
    counters: newCounters(),
    overlaps: 0,
    log,
    async exchange(unit: number, _request: ReadRequest, timeoutMs: number) {
      if (++inFlight > 1) line.overlaps++;
      log.push({ unit, timeoutMs });
      await new Promise((r) => setTimeout(r, silent.has(unit) ? 5 : 1));
      inFlight--;
      if (silent.has(unit)) throw new NoAnswer(`no reply from unit ${unit}`);
      return Buffer.from([4, 2, 0, unit]);
    },
    async close() {},
  };
  return line;
}

const request: ReadRequest = { table: 'input', address: 0, quantity: 1 };

describe('BusScheduler', () => {
  it('never lets two requests overlap, whatever the callers do', async () => {
    const line = fakeLine(new Set([3]));
    const scheduler = new BusScheduler(line, { initialMs: 1, maxMs: 1 });
    const reads = [];
    for (let i = 0; i < 60; i++) reads.push(scheduler.read((i % 3) + 1, request, { timeoutMs: 50, retries: 1 }));
    const outcomes = await Promise.all(reads);
    expect(line.overlaps).toBe(0);
    expect(outcomes.filter((o) => o.kind === 'data')).toHaveLength(40);
  });

  it('gives each slave its own timeout and retries, then backs it off: one probe per back-off period', async () => {
    const line = fakeLine(new Set([2]));
    const scheduler = new BusScheduler(line, { initialMs: 60_000, maxMs: 60_000 });
    const first = await scheduler.read(2, request, { timeoutMs: 123, retries: 2 });
    expect(first).toMatchObject({ kind: 'no-answer', backedOff: false });
    expect(line.log).toEqual([1, 2, 3].map(() => ({ unit: 2, timeoutMs: 123 })));
    for (let i = 0; i < 10; i++)
      expect(await scheduler.read(2, request, { timeoutMs: 123, retries: 2 })).toMatchObject({ backedOff: true });
    expect(scheduler.counters(2)).toMatchObject({ requests: 3, timeouts: 3, skipped: 10 });
    expect(await scheduler.read(1, request, { timeoutMs: 77, retries: 0 })).toMatchObject({ kind: 'data' });
    expect(line.log.at(-1)).toEqual({ unit: 1, timeoutMs: 77 });
    expect(scheduler.isBackedOff(2)).toBe(true);
    expect(scheduler.isBackedOff(1)).toBe(false);
  });

  it('probes a backed-off slave with a single attempt once its back-off expires, and forgets it when it answers', async () => {
    const silent = new Set([5]);
    const line = fakeLine(silent);
    const scheduler = new BusScheduler(line, { initialMs: 20, maxMs: 20 });
    await scheduler.read(5, request, { timeoutMs: 10, retries: 3 }); // 4 attempts
    await new Promise((r) => setTimeout(r, 30));
    await scheduler.read(5, request, { timeoutMs: 10, retries: 3 }); // a probe: 1 attempt
    expect(scheduler.counters(5).requests).toBe(5);
    silent.delete(5);
    await new Promise((r) => setTimeout(r, 30));
    expect(await scheduler.read(5, request, { timeoutMs: 10, retries: 3 })).toMatchObject({ kind: 'data' });
    expect(scheduler.isBackedOff(5)).toBe(false);
  });

  it('counts an exception as an answer', async () => {
    const line = fakeLine(new Set());
    line.exchange = async () => Buffer.from([0x84, 0x02]);
    const scheduler = new BusScheduler(line);
    const outcome = await scheduler.read(1, request, { timeoutMs: 10, retries: 0 });
    expect(outcome.kind === 'exception' && outcome.error.code).toBe(2);
    expect(scheduler.isBackedOff(1)).toBe(false);
  });
});
