import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { float32Words, startPymodbus, type TestPymodbus, usePtyPair } from '../../../tests/harness/index.js';
import type { DriverRuntime } from '../../driver.js';
import { openDevice, runtimeWith, SDM630_VALUES, schedulerOf, sdm630Fields } from './support.js';

/** Pymodbus input registers holding the SDM630 test values as float32 ABCD (energies in kWh). */
function sdm630Registers(): Record<number, number[]> {
  return Object.fromEntries(Object.values(SDM630_VALUES).map(([address, value]) => [address, float32Words(value)]));
}

describe('an SDM630 served by pymodbus', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const pty = usePtyPair();
  let pymodbus: TestPymodbus | undefined;
  afterAll(async () => pymodbus?.stop());

  async function pollAndCheck(runtime: DriverRuntime, options: Record<string, unknown>, schedulerKey: string) {
    const { handle, sink } = await openDevice(runtime, { unit: 1, profile: 'sdm630', ...options });
    const readings = await handle.poll!();
    expect(readings).toHaveLength(1);
    expect(readings[0]).toMatchObject({ measurement: 'electricity', tags: { sensor: 'sdm630' } });
    expect(readings[0]!.fields).toEqual(sdm630Fields());
    expect(sink.readings).toEqual(readings);
    expect(sink.rejections).toEqual([]);
    expect(sink.states).toEqual(['up']);
    // The full poll of the SDM630 map: at most 3 requests on the line (2 with the default gap of 10).
    expect(schedulerOf(runtime, schedulerKey).counters(1).requests).toBeLessThanOrEqual(3);
    expect(schedulerOf(runtime, schedulerKey).counters(1).requests).toBe(2);
  }

  it('Modbus TCP: a poll returns exactly the served values in the electricity fields', async () => {
    const server = await startPymodbus({ transport: 'tcp', units: { 1: { input: sdm630Registers() } } });
    cleanups.push(() => server.stop());
    const runtime = runtimeWith({});
    cleanups.push(() => runtime.close());
    await pollAndCheck(runtime, { host: server.host, port: server.port }, `modbus-tcp:${server.host}:${server.port}`);
  });

  it('Modbus RTU over a serial line (socat PTY pair): the same values', async () => {
    pymodbus = await startPymodbus({ transport: 'rtu', device: pty().b, units: { 1: { input: sdm630Registers() } } });
    const runtime = runtimeWith({ 'rs485-1': { kind: 'serial', path: pty().a, baudRate: 9600, timeoutMs: 1000 } });
    cleanups.push(() => runtime.close());
    await pollAndCheck(runtime, { bus: 'rs485-1' }, 'modbus-bus:rs485-1');
  });

  it('a value that changes on the slave is read anew at the next poll', async () => {
    const server = await startPymodbus({ transport: 'tcp', units: { 1: { input: sdm630Registers() } } });
    cleanups.push(() => server.stop());
    const runtime = runtimeWith({});
    cleanups.push(() => runtime.close());
    const { handle } = await openDevice(runtime, { host: server.host, port: server.port, unit: 1, profile: 'sdm630' });
    await server.set(1, 'input', 0x48, float32Words(12346.25));
    const [reading] = await handle.poll!();
    expect(reading!.fields.energy_import_wh).toBe(12346250);
  });
});
