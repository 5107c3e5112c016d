import { afterEach, describe, expect, it } from 'vitest';
import { usePtyPair, waitFor } from '../../../tests/harness/index.js';
import { SerialPortOwner } from '../../serial/index.js';
import { decodeReadRequest, encodeReadResponse } from '../protocol/pdu.js';
import { encodeRtuFrame, scanForRequest } from '../protocol/rtu-frame.js';
import { openDevice, runtimeWith, schedulerOf } from './support.js';

const reply = (unit: number, value: number) => {
  const data = Buffer.alloc(2);
  data.writeUInt16BE(value);
  return encodeRtuFrame(unit, encodeReadResponse('input', data));
};

/**
 * A scripted slave on the far end of the line: for each request, `script` returns the bytes to send back
 * (several frames, junk included), or nothing to stay silent.
 */
async function scriptedSlave(path: string, script: (unit: number, index: number) => Buffer | undefined) {
  const port = new SerialPortOwner({ path, baudRate: 9600 });
  let buffer: Buffer = Buffer.alloc(0);
  const seen: number[] = [];
  port.on('data', (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (let scan = scanForRequest(buffer); scan.kind === 'request'; scan = scanForRequest(buffer)) {
      buffer = buffer.subarray(scan.end);
      if (!decodeReadRequest(scan.pdu)) continue;
      seen.push(scan.unit);
      const answer = script(scan.unit, seen.length - 1);
      if (answer) void port.write(answer);
    }
  });
  await port.open();
  return { port, seen };
}

describe('late and mismatched replies on an RTU line are discarded, never taken for the next request', () => {
  const pty = usePtyPair();
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('unit 2 gets its own value although unit 1 answers late and junk comes first', async () => {
    const lateFromUnit1 = reply(1, 111);
    const wrongFunction = encodeRtuFrame(2, Buffer.from([0x03, 0x02, 0x03, 0xe7]));
    const badCrc = reply(2, 999);
    badCrc[badCrc.length - 1] = badCrc[badCrc.length - 1]! ^ 0x55;
    const junk = Buffer.concat([lateFromUnit1, wrongFunction, badCrc]);
    const slave = await scriptedSlave(pty().b, (unit) =>
      unit === 2 ? Buffer.concat([junk, reply(2, 222)]) : undefined,
    );
    cleanups.push(() => slave.port.close());

    const runtime = runtimeWith({ line: { kind: 'serial', path: pty().a, baudRate: 9600 } });
    cleanups.push(() => runtime.close());
    const registers = [{ field: 'value', table: 'input' as const, address: 0 }];
    const common = { bus: 'line', registers, measurement: 'test', timeoutMs: 200, retries: 0 };
    const a = await openDevice(runtime, { ...common, unit: 1 }, 'a');
    const b = await openDevice(runtime, { ...common, unit: 2 }, 'b');

    const [readingsA, readingsB] = await Promise.all([a.handle.poll!(), b.handle.poll!()]);
    expect(readingsA).toEqual([]);
    expect(a.sink.states).toEqual(['down']);
    expect(readingsB.map((r) => r.fields)).toEqual([{ value: 222 }]);
    expect(slave.seen).toEqual([1, 2]);
    const counters = schedulerOf(runtime, 'modbus-bus:line').transport.counters;
    expect(counters.discardedBytes).toBe(junk.length);
    expect(counters).toMatchObject({ sent: 2, replies: 1, timeouts: 1 });

    // Bytes that come while nothing is asked (a slave answering very late, noise) are dropped too.
    await slave.port.write(reply(2, 333));
    await waitFor(() => counters.discardedBytes === junk.length + 7, 'the idle bytes to be dropped');
    expect((await b.handle.poll!()).map((r) => r.fields)).toEqual([{ value: 222 }]);
  });
});
