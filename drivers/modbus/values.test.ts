import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeRaw, encodeRaw, ORDERS, type Order, shortestFloat32, type ValueType } from './values.js';

interface Vector {
  type: ValueType;
  order: Order;
  value: number | string;
  registers: number[];
}
const { vectors } = JSON.parse(readFileSync(new URL('./testdata/pymodbus-encoding.json', import.meta.url), 'utf8')) as {
  vectors: Vector[];
};

function wireBytes(registers: number[]): Buffer {
  const bytes = Buffer.alloc(registers.length * 2);
  registers.forEach((word, i) => {
    bytes.writeUInt16BE(word, i * 2);
  });
  return bytes;
}

function expected(vector: Vector): unknown {
  if (vector.type === 'int64' || vector.type === 'uint64') return BigInt(vector.value);
  if (vector.type === 'float32') return Math.fround(Number(vector.value));
  return vector.value;
}

describe('type conversion against pymodbus BinaryPayloadBuilder (testdata/pymodbus-encoding.json)', () => {
  it('covers every type but bit, and every order', () => {
    const seen = new Set(vectors.map((v) => `${v.type}/${v.order}`));
    for (const type of ['int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'float32', 'float64'])
      for (const order of ORDERS) expect(seen.has(`${type}/${order}`), `${type}/${order}`).toBe(true);
    expect(seen.has('string/ABCD')).toBe(true);
  });

  it.each(vectors.map((v) => [`${v.type} ${v.order} ${v.value}`, v] as const))('decodes %s', (_name, vector) => {
    expect(decodeRaw(vector.type, vector.order, wireBytes(vector.registers))).toEqual(expected(vector));
  });

  it.each(vectors.map((v) => [`${v.type} ${v.order} ${v.value}`, v] as const))('encodes %s', (_name, vector) => {
    const value = expected(vector) as number | bigint | string;
    const length = vector.type === 'string' ? vector.registers.length : undefined;
    expect(encodeRaw(vector.type, vector.order, value, length)).toEqual(wireBytes(vector.registers));
  });
});

describe('published examples', () => {
  it('SDM630: 43 66 33 34 is 230.2 V as float32 ABCD (230.20001, its shortest float32 decimal)', () => {
    const raw = decodeRaw('float32', 'ABCD', Buffer.from('43663334', 'hex')) as number;
    expect(shortestFloat32(raw)).toBe(230.20001);
    expect(raw).toBeCloseTo(230.2, 4);
  });

  it('bit: bit 0, 1, 3 and 5 of 0x022B (Modbus spec §6.3 register 108) are set, bit 2 and 4 are not', () => {
    const word = Buffer.from('022B', 'hex');
    expect([0, 1, 2, 3, 4, 5, 9].map((bit) => decodeRaw('bit', 'ABCD', word, bit))).toEqual([
      true,
      true,
      false,
      true,
      false,
      true,
      true,
    ]);
    expect(encodeRaw('bit', 'ABCD', false, undefined, 3, 0x022b)).toEqual(Buffer.from('0223', 'hex'));
  });

  it('string: ABCD keeps the register order, BADC swaps the characters of each register, trailing NULs go', () => {
    const abcd = Buffer.from('SDM630\0\0', 'latin1');
    expect(decodeRaw('string', 'ABCD', abcd)).toBe('SDM630');
    expect(decodeRaw('string', 'BADC', Buffer.from('DS6M03\0\0', 'latin1'))).toBe('SDM630');
    expect(decodeRaw('string', 'CDAB', abcd)).toBe('SDM630');
  });
});

describe('encode and decode are inverse for every type and order', () => {
  const cases: [ValueType, fc.Arbitrary<number | bigint>][] = [
    ['int16', fc.integer({ min: -32768, max: 32767 })],
    ['uint16', fc.integer({ min: 0, max: 65535 })],
    ['int32', fc.integer()],
    ['uint32', fc.nat({ max: 0xffffffff })],
    ['int64', fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })],
    ['uint64', fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })],
    ['float32', fc.float({ noNaN: true })],
    ['float64', fc.double({ noNaN: true })],
  ];
  it.each(cases)('%s', (type, values) => {
    fc.assert(
      fc.property(values, fc.constantFrom(...ORDERS), (value, order) => {
        expect(decodeRaw(type, order, encodeRaw(type, order, value))).toEqual(value);
      }),
    );
  });

  it('shortestFloat32 reads back as the same float32', () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true, noDefaultInfinity: true }), (f) => {
        expect(Math.fround(shortestFloat32(f))).toBe(f);
      }),
    );
  });
});
