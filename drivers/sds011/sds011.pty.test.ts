import { describe, expect, it } from 'vitest';
import { usePtyPair, waitFor } from '../../tests/harness/index.js';
import type { DeviceHandle } from '../driver.js';
import { createDriverRuntime } from '../runtime.js';
import { NO_FAULTS } from '../serial/faults.js';
import { recordingSink } from '../serial/recording-sink.js';
import { driver } from './driver.js';
import { runSds011Simulator, type Sds011SimulatorOptions, simulatedValues } from './simulator.js';

/** End to end over a socat PTY pair: the simulator writes on one end, the driver reads the other through serialport. */
describe('sds011 driver ⇄ simulator over a PTY pair', () => {
  const pty = usePtyPair();

  async function openDriver(raw: Record<string, unknown>) {
    const sink = recordingSink();
    const controller = new AbortController();
    const handle: DeviceHandle = await driver.open(driver.options.parse({ port: pty().a, ...raw }), {
      deviceId: 'pm-1',
      sink,
      runtime: createDriverRuntime(),
      signal: controller.signal,
    });
    return { sink, handle };
  }

  const simulatorOptions = (over: Partial<Sds011SimulatorOptions>): Sds011SimulatorOptions => ({
    port: pty().b,
    baudRate: 9600,
    intervalMs: 2,
    count: 60,
    faults: NO_FAULTS,
    mode: 'active',
    deviceId: 0xa160,
    pm25: 12,
    ...over,
  });

  it('active mode with injected faults: every good frame arrives, every bad one is counted', async () => {
    const { sink, handle } = await openDriver({ mode: 'active' });
    try {
      const stats = await runSds011Simulator(
        simulatorOptions({
          faults: { every: 5, kinds: ['checksum', 'truncated', 'garbage', 'silence'], silenceMs: 50 },
        }),
        new AbortController().signal,
      );
      expect(stats).toEqual({ good: 54, checksum: 3, truncated: 3, garbage: 3, silence: 3 });
      await waitFor(() => sink.readings.length >= stats.good, 'every good frame to be read', 20_000);
      const goodNumbers = Array.from({ length: 60 }, (_, i) => i + 1).filter((n) => n % 20 !== 5 && n % 20 !== 10);
      expect(sink.readings.map((r) => r.fields)).toEqual(
        goodNumbers.map((n) => {
          const v = simulatedValues(n);
          return { pm2_5_ugm3: v.pm2_5, pm10_ugm3: v.pm10 };
        }),
      );
      expect(sink.readings[0]).toMatchObject({
        measurement: 'air_quality',
        tags: { sensor: 'sds011', serial: 'A160' },
        identifiers: ['serial'],
      });
      expect(sink.rejectedBy('checksum')).toBe(stats.checksum);
      expect(sink.rejectedBy('truncated')).toBe(stats.truncated);
      expect(sink.rejectedBy('garbage')).toBe(stats.garbage);
      expect(sink.rejections).toHaveLength(stats.checksum + stats.truncated + stats.garbage);
      expect(sink.states[0]).toEqual({ state: 'starting' });
    } finally {
      await handle.close();
    }
  });

  it('query mode: each poll sends the query command and returns the sensor answer', async () => {
    const simulatorStop = new AbortController();
    const simulation = runSds011Simulator(
      simulatorOptions({ mode: 'query', count: 0, intervalMs: 20 }),
      simulatorStop.signal,
    );
    const { sink, handle } = await openDriver({ mode: 'query', timeoutMs: 10_000 });
    try {
      const polled = [];
      for (let i = 0; i < 5; i++) polled.push(...(await handle.poll!()));
      expect(polled.map((r) => r.fields.pm2_5_ugm3)).toEqual([1, 2, 3, 4, 5].map((n) => simulatedValues(n).pm2_5));
      expect(sink.readings).toHaveLength(5); // nothing sent by itself between polls: it is in query mode
    } finally {
      await handle.close();
      simulatorStop.abort();
      await simulation;
    }
  });
  it('query mode with sleep between polls: the sensor is put to sleep at set-up and woken for each poll', async () => {
    const simulatorStop = new AbortController();
    const commands: string[] = [];
    const simulation = runSds011Simulator(
      simulatorOptions({ mode: 'query', count: 0, intervalMs: 20, observe: (command) => commands.push(command) }),
      simulatorStop.signal,
    );
    const { handle } = await openDriver({ mode: 'query', sleepBetweenPolls: true, warmupS: 0, timeoutMs: 10_000 });
    try {
      // A sleeping SDS011 ignores queries: each answer shows the wake command went first.
      for (let i = 0; i < 3; i++) expect(await handle.poll!()).toHaveLength(1);
      await waitFor(() => commands.length >= 13, 'the last sleep command');
      expect(commands).toEqual([
        ...['work', 'mode query', 'period 0', 'sleep'],
        ...['work', 'query', 'sleep', 'work', 'query', 'sleep', 'work', 'query', 'sleep'],
      ]);
    } finally {
      await handle.close();
      simulatorStop.abort();
      await simulation;
    }
  });

  it('reads again after the adapter is unplugged and plugged back, and says so through its state', async () => {
    const { sink, handle } = await openDriver({ mode: 'active' });
    try {
      await runSds011Simulator(simulatorOptions({ count: 5 }), new AbortController().signal);
      await waitFor(() => sink.readings.length >= 5, 'readings before the unplug', 20_000);
      await pty().stop();
      await waitFor(() => sink.states.some((s) => s.state === 'down'), 'the driver to report the device down', 20_000);
      await pty().restart();
      await waitFor(() => sink.states.at(-1)?.state === 'up', 'the driver to reopen the port', 20_000);
      await runSds011Simulator(simulatorOptions({ count: 5 }), new AbortController().signal);
      await waitFor(() => sink.readings.length >= 10, 'readings after the replug', 20_000);
      expect(sink.states.map((s) => s.state)).toEqual(['starting', 'up', 'down', 'up']);
      expect(sink.rejections).toEqual([]);
    } finally {
      await handle.close();
    }
  });
});
