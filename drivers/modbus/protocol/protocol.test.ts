import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { crc16, withCrc } from './crc.js';
import { answers, encodeReadRequest, ModbusException, type ReadRequest, responseData, type Table } from './pdu.js';
import { encodeRtuFrame, scanForReply, scanForRequest } from './rtu-frame.js';
import { encodeTcpFrame, splitTcpFrames } from './tcp-frame.js';

interface PublishedPdu {
  source: string;
  request: string;
  response: string;
  table: Table;
  address: number;
  quantity: number;
  bits?: number[];
  uint16?: number[];
}
const published = JSON.parse(readFileSync(new URL('../testdata/published-frames.json', import.meta.url), 'utf8')) as {
  crc: { source: string; body: string; crc: string }[];
  rtuReplies: { frame: string; unit: number; request: ReadRequest }[];
  pdus: PublishedPdu[];
  exceptions: { response: string }[];
};
const hex = (s: string) => Buffer.from(s.replace(/ /g, ''), 'hex');

describe('published frames (testdata/published-frames.json)', () => {
  it.each(published.crc.map((c) => [c.source, c] as const))('CRC of %s', (_s, c) => {
    expect(withCrc(hex(c.body))).toEqual(Buffer.concat([hex(c.body), hex(c.crc)]));
    expect(crc16(Buffer.concat([hex(c.body), hex(c.crc)]))).toBe(0); // a good frame's CRC over itself is 0
  });

  it.each(published.pdus.map((p) => [p.source, p] as const))('%s', (_s, p) => {
    const request: ReadRequest = { table: p.table, address: p.address, quantity: p.quantity };
    expect(encodeReadRequest(request)).toEqual(hex(p.request));
    const response = hex(p.response);
    expect(answers(request, response)).toBe(true);
    const data = responseData(response);
    if (p.bits) expect(p.bits.map((_: number, i: number) => (data[i >> 3]! >> (i & 7)) & 1)).toEqual(p.bits);
    else expect(p.uint16!.map((_: number, i: number) => data.readUInt16BE(i * 2))).toEqual(p.uint16);
  });

  it('an exception response throws its code', () => {
    const e = published.exceptions[0]!;
    expect(answers({ table: 'coil', address: 0, quantity: 1 }, hex(e.response))).toBe(true);
    expect(() => responseData(hex(e.response))).toThrow(ModbusException);
    expect(() => responseData(hex(e.response))).toThrow(/exception 02 \(illegal data address\)/);
  });

  it('finds the SDM630 reply and its data', () => {
    const r = published.rtuReplies[0]!;
    const scan = scanForReply(hex(r.frame), r.unit, r.request);
    expect(scan.kind).toBe('reply');
    if (scan.kind === 'reply') expect(responseData(scan.pdu)).toEqual(hex('43 66 33 34'));
  });
});

describe('RTU reply scanning discards what is not the reply', () => {
  const request: ReadRequest = { table: 'input', address: 0, quantity: 2 };
  const good = hex('01 04 04 43 66 33 34 1B 38');
  const otherUnit = encodeRtuFrame(2, hex('04 04 43 66 00 00'));
  const otherFunction = encodeRtuFrame(1, hex('03 04 43 66 00 00'));
  const wrongCount = encodeRtuFrame(1, hex('04 02 43 66'));
  const badCrc = Buffer.from(good);
  badCrc[8] = badCrc[8]! ^ 0xff;

  it.each([
    ['another unit', otherUnit],
    ['another function', otherFunction],
    ['another byte count', wrongCount],
    ['a bad CRC', badCrc],
    ['noise', hex('00 ff 01 04')],
  ])('skips %s before the reply', (_name, junk) => {
    const scan = scanForReply(Buffer.concat([junk, good]), 1, request);
    expect(scan).toMatchObject({ kind: 'reply', skipped: junk.length, end: junk.length + good.length });
  });

  it('waits for the rest of a partial reply and keeps its start', () => {
    expect(scanForReply(Buffer.concat([otherUnit, good.subarray(0, 5)]), 1, request)).toEqual({
      kind: 'partial',
      keepFrom: otherUnit.length,
    });
  });

  it('takes an exception reply of the asked function', () => {
    const scan = scanForReply(encodeRtuFrame(1, hex('84 02')), 1, request);
    expect(scan.kind === 'reply' && scan.pdu).toEqual(hex('84 02'));
  });

  it('a slave finds request frames among noise', () => {
    const frame = encodeRtuFrame(7, encodeReadRequest({ table: 'holding', address: 256, quantity: 4 }));
    const scan = scanForRequest(Buffer.concat([hex('ff 00'), frame]));
    expect(scan).toMatchObject({ kind: 'request', unit: 7, pdu: hex('03 01 00 00 04') });
  });
});

describe('Modbus TCP frames', () => {
  it('round-trips MBAP frames and keeps an incomplete tail', () => {
    const a = encodeTcpFrame(1, 1, hex('04 00 00 00 02'));
    const b = encodeTcpFrame(2, 9, hex('04 04 43 66 33 34'));
    const { frames, rest, corrupt } = splitTcpFrames(Buffer.concat([a, b, b.subarray(0, 4)]));
    expect(corrupt).toBe(false);
    expect(frames.map((f) => [f.transactionId, f.unit, f.pdu.toString('hex')])).toEqual([
      [1, 1, '0400000002'],
      [2, 9, '0404436633 34'.replace(' ', '')],
    ]);
    expect(rest).toEqual(b.subarray(0, 4));
  });

  it('flags a stream that is not Modbus TCP', () => {
    expect(splitTcpFrames(Buffer.from('GET / HTTP/1.1\r\n')).corrupt).toBe(true);
  });
});
