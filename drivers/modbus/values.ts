/**
 * Type conversion between Modbus registers and values: the ten types, the four byte/word orders,
 * scale and offset. Registers travel as big-endian 16-bit words; a device's order says how the bytes
 * of a wider value are spread over them, named by where the most significant byte A lands:
 *
 *   ABCD  big-endian words, big-endian bytes (Modbus' own order; Eastron, Senseair)
 *   CDAB  word-swapped (low word first; many Schneider, Socomec devices)
 *   BADC  byte-swapped within each word
 *   DCBA  little-endian throughout
 *
 * For 64-bit values the same rule spans four words (ABCD → ABCDEFGH, CDAB → GHEFCDAB, ...). For a 16-bit
 * value only the byte swap matters. Strings keep their register order; BADC and DCBA swap the two
 * characters in each register.
 */

export const VALUE_TYPES = [
  'int16',
  'uint16',
  'int32',
  'uint32',
  'int64',
  'uint64',
  'float32',
  'float64',
  'bit',
  'string',
] as const;
export type ValueType = (typeof VALUE_TYPES)[number];

export const ORDERS = ['ABCD', 'CDAB', 'BADC', 'DCBA'] as const;
export type Order = (typeof ORDERS)[number];

export type RawValue = number | bigint | boolean | string;

const WIDTH: Record<Exclude<ValueType, 'string'>, number> = {
  int16: 1,
  uint16: 1,
  int32: 2,
  uint32: 2,
  int64: 4,
  uint64: 4,
  float32: 2,
  float64: 4,
  bit: 1,
};

/** Registers a value occupies (a `string` gives its own length; a `bit` sits in one register). */
export function registerCount(type: ValueType, length?: number): number {
  return type === 'string' ? (length ?? 1) : WIDTH[type];
}

/** Puts wire bytes into big-endian order, or back: the permutation is its own inverse. */
export function reorder(bytes: Uint8Array, order: Order, swapWords: boolean): Buffer {
  const out = Buffer.from(bytes);
  if (order === 'BADC' || order === 'DCBA') {
    for (let i = 0; i + 1 < out.length; i += 2) [out[i], out[i + 1]] = [out[i + 1]!, out[i]!];
  }
  if (swapWords && (order === 'CDAB' || order === 'DCBA')) {
    const words = out.length / 2;
    const copy = Buffer.from(out);
    for (let w = 0; w < words; w++) copy.copy(out, w * 2, (words - 1 - w) * 2, (words - w) * 2);
  }
  return out;
}

/**
 * The raw value of `type` from its registers' wire bytes (2 × registerCount bytes). `bit` reads bit
 * `bit` (0 = least significant) of a register; bits of coils and discrete inputs are handled by the caller.
 */
export function decodeRaw(type: ValueType, order: Order, wire: Uint8Array, bit = 0): RawValue {
  const be = reorder(wire, order, type !== 'string');
  switch (type) {
    case 'int16':
      return be.readInt16BE(0);
    case 'uint16':
      return be.readUInt16BE(0);
    case 'int32':
      return be.readInt32BE(0);
    case 'uint32':
      return be.readUInt32BE(0);
    case 'int64':
      return be.readBigInt64BE(0);
    case 'uint64':
      return be.readBigUInt64BE(0);
    case 'float32':
      return be.readFloatBE(0);
    case 'float64':
      return be.readDoubleBE(0);
    case 'bit':
      return ((be.readUInt16BE(0) >> bit) & 1) === 1;
    case 'string': {
      let end = be.length;
      while (end > 0 && (be[end - 1] === 0 || be[end - 1] === 0x20)) end--;
      return be.subarray(0, end).toString('latin1');
    }
  }
}

/** The wire bytes of a raw value: the inverse of decodeRaw (a `bit` sets only that bit of `base`). */
export function encodeRaw(type: ValueType, order: Order, value: RawValue, length?: number, bit = 0, base = 0): Buffer {
  const be = Buffer.alloc(registerCount(type, length) * 2);
  switch (type) {
    case 'int16':
      be.writeInt16BE(Number(value));
      break;
    case 'uint16':
      be.writeUInt16BE(Number(value));
      break;
    case 'int32':
      be.writeInt32BE(Number(value));
      break;
    case 'uint32':
      be.writeUInt32BE(Number(value));
      break;
    case 'int64':
      be.writeBigInt64BE(BigInt(value));
      break;
    case 'uint64':
      be.writeBigUInt64BE(BigInt(value));
      break;
    case 'float32':
      be.writeFloatBE(Number(value));
      break;
    case 'float64':
      be.writeDoubleBE(Number(value));
      break;
    case 'bit':
      be.writeUInt16BE(value ? base | (1 << bit) : base & ~(1 << bit) & 0xffff);
      break;
    case 'string':
      be.write(String(value), 'latin1');
      break;
  }
  return reorder(be, order, type !== 'string');
}

/**
 * The shortest decimal that reads back as the same float32: a meter sending 230.2 V sends the float32
 * nearest 230.2 (230.1999969…); analysts get 230.2, and nothing the meter said is lost.
 */
export function shortestFloat32(value: number): number {
  if (!Number.isFinite(value) || value === 0) return value;
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === value) return candidate;
  }
  return value;
}

/** `raw × scale + offset`, without the binary noise of the arithmetic (0.1 × 3 gives 0.3, not 0.30000000000000004). */
export function scaleValue(raw: number, scale: number, offset: number): number {
  if (scale === 1 && offset === 0) return raw;
  return Number((raw * scale + offset).toPrecision(15));
}
