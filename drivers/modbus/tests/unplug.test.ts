import { afterEach, describe, expect, it } from 'vitest';
import { spawnService, usePtyPair, waitFor } from '../../../tests/harness/index.js';
import { openDevice, runtimeWith } from './support.js';

const BIN = new URL('../../../bin/tidegate.js', import.meta.url).pathname;

describe('the RS-485 adapter unplugged and plugged back (socat PTY pair removed and recreated)', () => {
  const pty = usePtyPair();
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('the device goes down without an exception and comes back up with readings', async () => {
    const sim = spawnService(process.execPath, [
      BIN,
      'simulate',
      'modbus',
      '--profile',
      'senseair-s8',
      '--port',
      pty().b,
      '--unit',
      '104',
    ]);
    cleanups.push(() => sim.stop());
    await waitFor(() => sim.output().includes('modbus simulator:'), 'the simulator', 30_000);
    const runtime = runtimeWith({ s8: { kind: 'serial', path: pty().a, baudRate: 9600, timeoutMs: 300 } });
    cleanups.push(() => runtime.close());
    const { handle, sink } = await openDevice(runtime, { bus: 's8', unit: 104, profile: 'senseair-s8' });
    await waitFor(async () => (await handle.poll!()).length > 0, 'a first reading', 20_000, 100);

    await pty().stop();
    await waitFor(
      async () => (await handle.poll!()).length === 0 && sink.states.at(-1) === 'down',
      'down',
      20_000,
      100,
    );
    await pty().restart();
    await waitFor(async () => (await handle.poll!()).length > 0, 'readings again', 60_000, 200);
    expect(sink.states).toEqual(['up', 'down', 'up']);
    expect(sink.readings.at(-1)?.measurement).toBe('air_quality');
  });
});
