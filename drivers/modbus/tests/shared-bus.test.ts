import { afterEach, describe, expect, it } from 'vitest';
import { startPymodbus, usePtyPair, waitFor } from '../../../tests/harness/index.js';
import type { DeviceHandle } from '../../driver.js';
import { openDevice, type RecordingSink, runtimeWith, schedulerOf } from './support.js';

interface PollLoop {
  /** Polls that returned a reading, and polls that returned none. */
  successes: number;
  failures: number;
  sink: RecordingSink;
}

/** Polls a device back to back with a short pause, as the agent does at its interval, until stopped. */
function pollLoop(handle: DeviceHandle, sink: RecordingSink, stopped: () => boolean): PollLoop {
  const loop: PollLoop = { successes: 0, failures: 0, sink };
  void (async () => {
    while (!stopped()) {
      if ((await handle.poll!()).length > 0) loop.successes++;
      else loop.failures++;
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  return loop;
}

describe('three Senseair S8 on one RS-485 line (pymodbus RTU on a socat PTY pair)', () => {
  const pty = usePtyPair();
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('a switched-off slave is reported down and backed off; the others keep every poll; it comes back up', async () => {
    const co2 = { 1: 612, 2: 845, 3: 1020 } as const;
    const server = await startPymodbus({
      transport: 'rtu',
      device: pty().b,
      units: Object.fromEntries(Object.entries(co2).map(([unit, ppm]) => [unit, { input: { 3: [ppm] } }])),
    });
    cleanups.push(() => server.stop());
    const runtime = runtimeWith({ line: { kind: 'serial', path: pty().a, baudRate: 9600 } });
    cleanups.push(() => runtime.close());
    let stop = false;
    cleanups.push(async () => {
      stop = true;
    });
    const loops: Record<number, PollLoop> = {};
    for (const unit of [1, 2, 3]) {
      const { handle, sink } = await openDevice(
        runtime,
        // Each slave has its own budget: the one that will be switched off is given a short timeout.
        { bus: 'line', unit, profile: 'senseair-s8', timeoutMs: unit === 2 ? 300 : 2000, retries: 1 },
        `s8-${unit}`,
      );
      loops[unit] = pollLoop(handle, sink, () => stop);
    }
    const [one, two, three] = [loops[1]!, loops[2]!, loops[3]!];
    const scheduler = schedulerOf(runtime, 'modbus-bus:line');
    await waitFor(() => [one, two, three].every((l) => l.successes >= 5), 'five polls of each slave', 30_000);
    for (const [unit, loop] of Object.entries(loops))
      expect(loop.sink.readings.at(-1)?.fields).toEqual({ co2_ppm: co2[Number(unit) as 1 | 2 | 3] });

    await server.off(2);
    await waitFor(() => two.sink.states.includes('down'), 'unit 2 reported down', 30_000);
    const before = { one: { ...one }, three: { ...three }, two: { ...two }, line: { ...scheduler.counters(2) } };
    // While unit 2 is silent: the others get 30 more polls each, every one of them answered.
    await waitFor(
      () => one.successes - before.one.successes >= 30 && three.successes - before.three.successes >= 30,
      '30 more polls of units 1 and 3',
      60_000,
    );
    for (const [loop] of [
      [one, before.one],
      [three, before.three],
    ] as const) {
      expect(loop.failures).toBe(0);
      expect(loop.sink.states).toEqual(['up']);
      expect(loop.sink.rejections).toEqual([]);
    }
    // Unit 2 was polled as often, but backed off: most of its polls never touched the line.
    const silent = scheduler.counters(2);
    const polls = two.failures - before.two.failures;
    const onLine = silent.requests - before.line.requests;
    expect(polls).toBeGreaterThanOrEqual(20);
    expect(silent.skipped - before.line.skipped).toBeGreaterThan(onLine);
    expect(two.successes).toBe(before.two.successes);

    await server.on(2);
    await waitFor(() => two.sink.states.at(-1) === 'up', 'unit 2 reported up again', 60_000);
    await waitFor(() => two.successes > before.two.successes, 'a reading of unit 2 again', 10_000);
    expect(two.sink.states).toEqual(['up', 'down', 'up']);
    expect(two.sink.readings.at(-1)?.fields).toEqual({ co2_ppm: 845 });
  });
});
