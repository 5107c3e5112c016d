import { isUtf8 } from 'node:buffer';

/**
 * Reading InfluxDB's MessagePack answers (`Accept: application/x-msgpack`, https://github.com/msgpack/msgpack
 * /blob/master/spec.md). A chunked answer is a plain sequence of MessagePack maps, one per chunk, arriving
 * in network reads that cut them anywhere: a reader that runs past the bytes received throws INCOMPLETE
 * and the chunk is read again once more bytes are there (`MsgpackSplitter`).
 */
export class Incomplete extends Error {}
/** One shared instance: thrown once per network read at most, no stack trace needed. */
export const INCOMPLETE = new Incomplete('MessagePack value cut short');

/** A MessagePack type InfluxDB does not send (bin, ext) or a value of an unexpected shape. */
export class MsgpackShapeError extends Error {}

/** The two 32-bit halves of the last integer `readInt` read: its value is `intHi * 2^32 + intLo`. */
export let intHi = 0;
export let intLo = 0;

/** Reads the integer at `p` into intHi/intLo and returns where it ends, or -1 when the value is no integer. */
export function readInt(b: Buffer, p: number, end: number): number {
  const c = b[p]!;
  if (c <= 0x7f || c >= 0xe0) {
    intLo = ((c << 24) >> 24) >>> 0;
    intHi = c >= 0xe0 ? -1 : 0;
    return p + 1;
  }
  const size = c >= 0xcc && c <= 0xd3 ? 1 << (c & 3) : 0;
  if (size === 0) return -1;
  if (p + 1 + size > end) throw INCOMPLETE;
  // Big-endian bytes read one by one: Buffer's readers check their arguments on every call.
  let v = 0;
  for (let i = 1; i <= size && i <= 4; i++) v = ((v << 8) | b[p + i]!) >>> 0;
  if (size === 8) {
    intHi = c === 0xd3 ? v | 0 : v;
    intLo = ((b[p + 5]! << 24) | (b[p + 6]! << 16) | (b[p + 7]! << 8) | b[p + 8]!) >>> 0;
  } else {
    if (c >= 0xd0) v = (v << (32 - 8 * size)) >> (32 - 8 * size); // sign-extend
    intLo = v >>> 0;
    intHi = c >= 0xd0 && v < 0 ? -1 : 0;
  }
  return p + 1 + size;
}

/** The integer intHi/intLo as a number when it is exact (|v| < 2^53), else undefined. */
export function safeInt(): number | undefined {
  return intHi >= -0x200000 && intHi < 0x200000 ? intHi * 4294967296 + intLo : undefined;
}

/** The integer intHi/intLo in decimal. */
export function intText(): string {
  return safeInt()?.toString() ?? ((BigInt(intHi) << 32n) + BigInt(intLo)).toString();
}

/** Where the string whose header is at `p` starts (also in `strStart`), its end in `strEnd`; -1 when the value is no string. */
export let strStart = 0;
export let strEnd = 0;
export function readStr(b: Buffer, p: number, end: number): number {
  const c = b[p]!;
  let start: number;
  let length: number;
  if (c >= 0xa0 && c <= 0xbf) {
    start = p + 1;
    length = c & 0x1f;
  } else if (c >= 0xd9 && c <= 0xdb) {
    const size = 1 << (c - 0xd9);
    if (p + 1 + size > end) throw INCOMPLETE;
    start = p + 1 + size;
    length = b.readUIntBE(p + 1, size);
  } else return -1;
  strStart = start;
  strEnd = start + length;
  if (strEnd > end) throw INCOMPLETE;
  return start;
}

/** The number of entries of the array (or map, `map` true) whose header is at `p`; its items start at `headerEnd`. */
export let headerEnd = 0;
export function readLength(b: Buffer, p: number, end: number, map: boolean): number {
  const c = b[p]!;
  const fix = map ? 0x80 : 0x90;
  if (c >= fix && c <= fix + 15) {
    headerEnd = p + 1;
    return c & 15;
  }
  const wide = map ? 0xde : 0xdc;
  if (c !== wide && c !== wide + 1) throw new MsgpackShapeError(`expected a ${map ? 'map' : 'array'}`);
  const size = c === wide ? 2 : 4;
  if (p + 1 + size > end) throw INCOMPLETE;
  headerEnd = p + 1 + size;
  return b.readUIntBE(p + 1, size);
}

/** Where the value at `p` ends, without reading it. */
export function skip(b: Buffer, p: number, end: number): number {
  if (p >= end) throw INCOMPLETE;
  const c = b[p]!;
  let next = p + 1;
  if (c === 0xcb) next = p + 9;
  else if (c === 0xca) next = p + 5;
  else if (c > 0x7f && c < 0xe0 && c !== 0xc0 && c !== 0xc2 && c !== 0xc3) {
    next = readInt(b, p, end);
    if (next < 0) next = readStr(b, p, end) >= 0 ? strEnd : skipContainer(b, p, end);
  }
  if (next > end) throw INCOMPLETE;
  return next;
}

function isMap(c: number): boolean {
  return (c >= 0x80 && c <= 0x8f) || c === 0xde || c === 0xdf;
}

function skipContainer(b: Buffer, p: number, end: number): number {
  const map = isMap(b[p]!);
  const n = readLength(b, p, end, map) * (map ? 2 : 1);
  let next = headerEnd;
  for (let i = 0; i < n; i++) next = skip(b, next, end);
  return next;
}

/**
 * The value at `p` as JavaScript, the same as `parseInfluxJson` gives for InfluxDB's JSON of it: integers of
 * 16 digits or more as decimal strings, strings as Go's JSON encoder writes them (each invalid UTF-8 byte
 * replaced by U+FFFD). Its end in `valueEnd`.
 */
export let valueEnd = 0;
export function decode(b: Buffer, p: number, end: number): unknown {
  if (p >= end) throw INCOMPLETE;
  const c = b[p]!;
  valueEnd = p + 1;
  if (c === 0xc0) return null;
  if (c === 0xc2 || c === 0xc3) return c === 0xc3;
  if (c === 0xcb || c === 0xca) {
    valueEnd = p + (c === 0xcb ? 9 : 5);
    if (valueEnd > end) throw INCOMPLETE;
    return c === 0xcb ? b.readDoubleBE(p + 1) : b.readFloatBE(p + 1);
  }
  const intEnd = readInt(b, p, end);
  if (intEnd >= 0) {
    valueEnd = intEnd;
    const n = safeInt();
    return n !== undefined && Math.abs(n) < 1e15 ? n : intText();
  }
  const start = readStr(b, p, end);
  if (start >= 0) {
    valueEnd = strEnd;
    return goString(b, start, strEnd);
  }
  const map = isMap(c);
  const n = readLength(b, p, end, map);
  let next = headerEnd;
  const object: Record<string, unknown> = {};
  const array: unknown[] = [];
  for (let i = 0; i < n; i++) {
    if (map) {
      const key = String(decode(b, next, end));
      object[key] = decode(b, valueEnd, end);
    } else array.push(decode(b, next, end));
    next = valueEnd;
  }
  valueEnd = next;
  return map ? object : array;
}

/** A string's bytes as Go's encoding/json would carry them: valid UTF-8 as it is, each invalid byte as U+FFFD. */
export function goString(b: Buffer, start: number, end: number): string {
  if (isUtf8(b.subarray(start, end))) return b.toString('utf8', start, end);
  let text = '';
  let i = start;
  while (i < end) {
    const size = runeSize(b, i, end);
    text += size === 0 ? '\ufffd' : b.toString('utf8', i, i + size);
    i += size || 1;
  }
  return text;
}

/** The length of the valid UTF-8 sequence at `i` (Go's utf8.DecodeRune rules), 0 when it is invalid. */
function runeSize(b: Buffer, i: number, end: number): number {
  const c = b[i]!;
  if (c < 0x80) return 1;
  const size = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
  if (size === 0 || i + size > end) return 0;
  // The second byte's range is narrower after E0 (no overlong), ED (no surrogate), F0 (no overlong), F4 (≤ U+10FFFF).
  const lo = c === 0xe0 ? 0xa0 : c === 0xf0 ? 0x90 : 0x80;
  const hi = c === 0xed ? 0x9f : c === 0xf4 ? 0x8f : 0xbf;
  if (b[i + 1]! < lo || b[i + 1]! > hi) return 0;
  for (let k = 2; k < size; k++) if ((b[i + k]! & 0xc0) !== 0x80) return 0;
  return size;
}

/**
 * Cuts a stream of MessagePack values arriving in pieces into whole values. `each(buffer, start, end)` reads
 * one value and returns where it ends (-1 to stop), throwing INCOMPLETE when it runs past `end`; that value's
 * bytes are kept in one reused buffer and it is read again from its start once at least twice as many bytes
 * are there (so a large value is not re-read on every network read).
 */
export class MsgpackSplitter {
  private carry = Buffer.alloc(0);
  private carried = 0;
  private need = 0;

  /** Calls `each` on every value completed by `piece`; false when `each` stopped. */
  feed(piece: Buffer, each: (b: Buffer, start: number, end: number) => number): boolean {
    let data = piece;
    if (this.carried > 0) {
      this.keep(piece, this.carried, this.carried);
      if (this.carried < this.need) return true;
      data = this.carry.subarray(0, this.carried);
    }
    let p = 0;
    while (p < data.length) {
      let next: number;
      try {
        next = each(data, p, data.length);
      } catch (e) {
        if (e !== INCOMPLETE) throw e;
        if (data === piece) this.keep(piece.subarray(p), 0, 0);
        else this.carry.copyWithin(0, p, data.length);
        this.carried = data.length - p;
        this.need = 2 * this.carried;
        return true;
      }
      if (next < 0) return false;
      p = next;
    }
    this.carried = 0;
    return true;
  }

  /** At the end of the stream: reads what is kept whatever its size. */
  finish(each: (b: Buffer, start: number, end: number) => number): boolean {
    if (this.carried === 0) return true;
    this.need = 0;
    return this.feed(Buffer.alloc(0), each);
  }

  /** Bytes of a value that never completed. */
  get leftover(): number {
    return this.carried;
  }

  /** Copies `bytes` into the carry buffer at `at` (growing it, keeping its first `kept` bytes). */
  private keep(bytes: Buffer, at: number, kept: number): void {
    if (at + bytes.length > this.carry.length) {
      const bigger = Buffer.allocUnsafeSlow(Math.max(2 * this.carry.length, at + bytes.length, 65536));
      this.carry.copy(bigger, 0, 0, kept);
      this.carry = bigger;
    }
    bytes.copy(this.carry, at);
    this.carried = at + bytes.length;
  }
}
