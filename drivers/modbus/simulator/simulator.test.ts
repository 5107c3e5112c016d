import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import Modbus from 'modbus-serial';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, requireBinary, spawnService, usePtyPair, waitFor } from '../../../tests/harness/index.js';
import { openDevice, runtimeWith, schedulerOf } from '../tests/support.js';

const run = promisify(execFile);
const BIN = new URL('../../../bin/tidegate.js', import.meta.url).pathname;

/** `tidegate simulate modbus ...` as a child process, ready once it says where it serves. */
async function simulate(args: string[]) {
  const service = spawnService(process.execPath, [BIN, 'simulate', 'modbus', ...args]);
  await waitFor(
    () => service.output().includes('modbus simulator:') || service.child.exitCode !== null,
    'the simulator to serve',
    30_000,
  );
  if (service.child.exitCode !== null) throw new Error(`simulator exited: ${service.output()}`);
  return service;
}

/** Runs mbpoll once and returns {reference: value} of what it printed. */
async function mbpoll(args: string[]): Promise<Record<number, number>> {
  const { stdout } = await run(requireBinary('mbpoll', 'mbpoll'), [...args, '-1', '-o', '3'], { timeout: 20_000 });
  return Object.fromEntries(
    [...stdout.matchAll(/^\[(\d+)\]:\s+(-?[\d.e+]+)/gm)].map((m) => [Number(m[1]), Number(m[2])]),
  );
}

async function mbpollFails(args: string[]): Promise<string> {
  try {
    await run('mbpoll', [...args, '-1', '-o', '3'], { timeout: 20_000 });
    return '';
  } catch (error) {
    const e = error as { stdout: string; stderr: string };
    return `${e.stdout}${e.stderr}`;
  }
}

describe('tidegate simulate modbus, read by mbpoll (a real Modbus master)', () => {
  const pty = usePtyPair();
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('Modbus TCP: the SDM630 map as float32 big-endian, plausible values, exceptions outside the map', async () => {
    const port = await freePort();
    const sim = await simulate(['--profile', 'sdm630', '--tcp', String(port)]);
    cleanups.push(() => sim.stop());
    const tcp = ['-m', 'tcp', '-p', String(port), '-a', '1', '-t', '3:float', '-B'];
    const volts = await mbpoll([...tcp, '-r', '1', '-c', '3', '127.0.0.1']);
    expect(Object.keys(volts)).toEqual(['1', '3', '5']);
    for (const v of Object.values(volts)) {
      expect(v).toBeGreaterThanOrEqual(226);
      expect(v).toBeLessThanOrEqual(234);
    }
    const [hz] = Object.values(await mbpoll([...tcp, '-r', '71', '-c', '1', '127.0.0.1']));
    expect(hz).toBeGreaterThanOrEqual(49.95);
    expect(hz).toBeLessThanOrEqual(50.05);
    const [kwh] = Object.values(await mbpoll([...tcp, '-r', '73', '-c', '1', '127.0.0.1']));
    expect(kwh).toBeGreaterThanOrEqual(12000);
    expect(await mbpollFails([...tcp, '-r', '200', '-c', '1', '127.0.0.1'])).toMatch(/Illegal data address/);
  });

  it('Modbus RTU on a serial line: the traffic-loop map, 16-bit holding registers', async () => {
    const sim = await simulate(['--profile', 'traffic-loop', '--port', pty().b, '--unit', '7']);
    cleanups.push(() => sim.stop());
    const rtu = ['-m', 'rtu', '-b', '9600', '-P', 'none', '-a', '7', '-t', '4'];
    expect(await mbpoll([...rtu, '-r', '257', '-c', '1', pty().a])).toEqual({ 257: 360 });
    const lane1 = await mbpoll([...rtu, '-r', '3', '-c', '3', pty().a]);
    expect(lane1[3]).toBeLessThanOrEqual(1500); // flow, veh/h
    expect(lane1[4]).toBeGreaterThanOrEqual(200); // mean speed, 0.1 km/h
    expect(lane1[4]).toBeLessThanOrEqual(900);
  });

  it('modbus-serial (another independent master) reads it too', async () => {
    const port = await freePort();
    const sim = await simulate(['--profile', 'sdm120', '--tcp', String(port)]);
    cleanups.push(() => sim.stop());
    const client = new Modbus.default();
    cleanups.push(() => new Promise<void>((resolve) => client.close(() => resolve())));
    await client.connectTCP('127.0.0.1', { port });
    client.setID(1);
    client.setTimeout(3000);
    const { buffer } = await client.readInputRegisters(0x46, 2);
    expect(buffer.readFloatBE(0)).toBeGreaterThanOrEqual(Math.fround(49.95));
    expect(buffer.readFloatBE(0)).toBeLessThanOrEqual(Math.fround(50.05));
    await expect(client.readInputRegisters(0x100, 1)).rejects.toMatchObject({ modbusCode: 2 });
  });

  it('traffic-loop: one reading per lane, stamped with the start of the last complete 6-minute period', async () => {
    const port = await freePort();
    const sim = await simulate(['--profile', 'traffic-loop', '--tcp', String(port)]);
    cleanups.push(() => sim.stop());
    const runtime = runtimeWith({});
    cleanups.push(() => runtime.close());
    const { handle } = await openDevice(runtime, { host: '127.0.0.1', port, unit: 1, profile: 'traffic-loop' });
    const readings = await handle.poll!();
    expect(readings.map((r) => r.tags.lane)).toEqual(['1', '2']);
    for (const reading of readings) {
      expect(reading.time % 360_000_000_000n).toBe(0n);
      expect(reading.time).toBeLessThan(BigInt(Date.now()) * 1_000_000n);
      expect(typeof reading.fields.count).toBe('bigint');
      expect(reading.fields.period_s).toBe(360);
      expect(Object.keys(reading.fields)).not.toContain('period_start');
    }
  });

  it('the driver reads the simulator; an address the slave refuses is rejected alone, the rest kept', async () => {
    const port = await freePort();
    const sim = await simulate(['--profile', 'senseair-s8', '--tcp', String(port)]);
    cleanups.push(() => sim.stop());
    const runtime = runtimeWith({});
    cleanups.push(() => runtime.close());
    const { handle, sink } = await openDevice(runtime, {
      host: '127.0.0.1',
      port,
      profile: 'senseair-s8',
      // Input register 5 is outside what the S8 map serves: exception 02.
      registers: [{ field: 'abc_period_h', table: 'input', address: 5 }],
    });
    const [first] = await handle.poll!();
    expect(Object.keys(first!.fields)).toEqual(['co2_ppm']);
    expect(first!.fields.co2_ppm).toBeGreaterThanOrEqual(420);
    expect(sink.rejections).toEqual(['value: input 0x0005 (abc_period_h): modbus exception 02 (illegal data address)']);
    const counters = schedulerOf(runtime, `modbus-tcp:127.0.0.1:${port}`).counters(1);
    // One block read refused, then one request per value; later polls read per value straight away.
    expect(counters).toMatchObject({ requests: 3, exceptions: 2 });
    await handle.poll!();
    expect(counters).toMatchObject({ requests: 5, exceptions: 3 });
    expect(sink.states).toEqual(['up']);
  });
});
