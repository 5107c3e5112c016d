import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  freePort,
  requireBinary,
  spawnService,
  startPymodbus,
  usePtyPair,
  waitFor,
} from '../../../tests/harness/index.js';
import { encodeReadResponse } from '../protocol/pdu.js';
import { encodeTcpFrame, splitTcpFrames } from '../protocol/tcp-frame.js';
import { openDevice, runtimeWith, schedulerOf } from './support.js';

const registers = [{ field: 'value', table: 'holding' as const, address: 0 }];

/** A Modbus TCP server whose replies a test writes itself. */
async function scriptedServer(port: number, answer: (tid: number, unit: number, socket: Socket) => void) {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('data', (chunk: Buffer) => {
      for (const frame of splitTcpFrames(chunk).frames) answer(frame.transactionId, frame.unit, socket);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
}

const word = (value: number) => {
  const data = Buffer.alloc(2);
  data.writeUInt16BE(value);
  return encodeReadResponse('holding', data);
};

describe('Modbus TCP transport', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('discards replies with another transaction id or unit, and takes the one that matches', async () => {
    const port = await freePort();
    cleanups.push(
      await scriptedServer(port, (tid, unit, socket) => {
        socket.write(encodeTcpFrame(tid + 100, unit, word(1))); // a stale transaction
        socket.write(encodeTcpFrame(tid, unit + 1, word(2))); // another unit
        socket.write(encodeTcpFrame(tid, unit, word(3)));
      }),
    );
    const runtime = runtimeWith({});
    cleanups.push(() => runtime.close());
    const { handle } = await openDevice(runtime, { host: '127.0.0.1', port, unit: 5, registers, measurement: 'test' });
    expect((await handle.poll!()).map((r) => r.fields)).toEqual([{ value: 3 }]);
    expect(schedulerOf(runtime, `modbus-tcp:127.0.0.1:${port}`).transport.counters).toMatchObject({
      replies: 1,
      discards: 2,
    });
  });

  it('a server that is not there yet: down, then up once it listens, with the same device', async () => {
    const port = await freePort();
    const runtime = runtimeWith({});
    cleanups.push(() => runtime.close());
    const options = { host: '127.0.0.1', port, unit: 1, registers, measurement: 'test', timeoutMs: 500 };
    const { handle, sink } = await openDevice(runtime, options);
    expect(await handle.poll!()).toEqual([]);
    expect(sink.states).toEqual(['down']);
    cleanups.push(await scriptedServer(port, (tid, unit, socket) => socket.write(encodeTcpFrame(tid, unit, word(77)))));
    // Backed off after the refused connection: polls fail at once until the next probe connects.
    await waitFor(async () => (await handle.poll!()).length > 0, 'a reading once the server listens', 30_000, 100);
    expect(sink.states).toEqual(['down', 'up']);
    expect(sink.readings.map((r) => r.fields)).toEqual([{ value: 77 }]);
  });
});

describe('RTU over TCP (a serial-to-Ethernet converter: socat between TCP and a PTY, pymodbus on the line)', () => {
  const pty = usePtyPair();
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('reads the same registers through RTU frames on the socket', async () => {
    const server = await startPymodbus({ transport: 'rtu', device: pty().b, units: { 3: { holding: { 0: [1234] } } } });
    cleanups.push(() => server.stop());
    const port = await freePort();
    const bridge = spawnService(requireBinary('socat', 'socat'), [
      `TCP-LISTEN:${port},bind=127.0.0.1,reuseaddr`,
      `FILE:${pty().a},raw,echo=0`,
    ]);
    cleanups.push(() => bridge.stop());
    await new Promise((r) => setTimeout(r, 300)); // socat listening
    const runtime = runtimeWith({ gw: { kind: 'tcp', host: '127.0.0.1', port, rtuOverTcp: true, timeoutMs: 1000 } });
    cleanups.push(() => runtime.close());
    const { handle, sink } = await openDevice(runtime, {
      bus: 'gw',
      unit: 3,
      registers,
      measurement: 'test',
      retries: 3,
    });
    expect((await handle.poll!()).map((r) => r.fields)).toEqual([{ value: 1234 }]);
    expect(sink.states).toEqual(['up']);
  });
});
