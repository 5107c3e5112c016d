/**
 * A small MessagePack encoder for tests, writing what InfluxDB's encoder (tinylib/msgp) writes: integers in
 * their smallest form, floats as float64, strings as str. `F64` marks a float whose value is integral; a
 * Buffer is written as a str of those exact bytes (to send invalid UTF-8).
 */
export class F64 {
  constructor(readonly value: number) {}
}

export type Packable =
  | null
  | boolean
  | number
  | bigint
  | string
  | Buffer
  | F64
  | Packable[]
  | { [key: string]: Packable };

export function pack(value: Packable): Buffer {
  const parts: Buffer[] = [];
  write(value, parts);
  return Buffer.concat(parts);
}

function header(parts: Buffer[], fix: number, fixMax: number, wide: number[], n: number): void {
  if (n <= fixMax) parts.push(Buffer.from([fix | n]));
  else if (wide[0] !== undefined && n < 256) parts.push(Buffer.from([wide[0], n]));
  else if (n < 65536) parts.push(Buffer.from([wide[1]!, n >> 8, n & 255]));
  else {
    const b = Buffer.alloc(5);
    b[0] = wide[2]!;
    b.writeUInt32BE(n, 1);
    parts.push(b);
  }
}

function int(v: bigint, parts: Buffer[]): void {
  if (v >= 0n && v < 128n) parts.push(Buffer.from([Number(v)]));
  else if (v < 0n && v >= -32n) parts.push(Buffer.from([Number(v) & 0xff]));
  else {
    const sizes: [number, number][] = [
      [0xd0, 1],
      [0xd1, 2],
      [0xd2, 4],
      [0xd3, 8],
    ];
    const unsigned = v >= 2n ** 63n;
    const [code, size] = unsigned
      ? [0xcf, 8]
      : sizes.find(([, n]) => v >= -(2n ** BigInt(8 * n - 1)) && v < 2n ** BigInt(8 * n - 1))!;
    const b = Buffer.alloc(1 + size);
    b[0] = code;
    let x = BigInt.asUintN(8 * size, v);
    for (let i = size; i >= 1; i--) {
      b[i] = Number(x & 255n);
      x >>= 8n;
    }
    parts.push(b);
  }
}

function write(value: Packable, parts: Buffer[]): void {
  if (value === null) parts.push(Buffer.from([0xc0]));
  else if (typeof value === 'boolean') parts.push(Buffer.from([value ? 0xc3 : 0xc2]));
  else if (typeof value === 'bigint') int(value, parts);
  else if (typeof value === 'number' || value instanceof F64) {
    const x = typeof value === 'number' ? value : value.value;
    if (typeof value === 'number' && Number.isSafeInteger(x)) int(BigInt(x), parts);
    else {
      const b = Buffer.alloc(9);
      b[0] = 0xcb;
      b.writeDoubleBE(x, 1);
      parts.push(b);
    }
  } else if (typeof value === 'string' || Buffer.isBuffer(value)) {
    const bytes = typeof value === 'string' ? Buffer.from(value) : value;
    header(parts, 0xa0, 31, [0xd9, 0xda, 0xdb], bytes.length);
    parts.push(bytes);
  } else if (Array.isArray(value)) {
    header(parts, 0x90, 15, [undefined as unknown as number, 0xdc, 0xdd], value.length);
    for (const v of value) write(v, parts);
  } else {
    const entries = Object.entries(value);
    header(parts, 0x80, 15, [undefined as unknown as number, 0xde, 0xdf], entries.length);
    for (const [k, v] of entries) {
      write(k, parts);
      write(v, parts);
    }
  }
}
