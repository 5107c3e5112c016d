import { isUtf8 } from 'node:buffer';
import { csvCell } from './formats.js';
import { goString } from './msgpack.js';
import { datePrefix } from './time.js';

const QUOTE = 34;
const POOLED = 256 * 1024;
const SCALE = [1, 10, 100, 1000, 10000, 100000, 1000000];
const COMMA = 44;

/**
 * CSV text written as bytes into one growing Buffer, handed to the output as it is: no string per row, no
 * UTF-8 encoding of the whole text. Each writer makes room for what it writes.
 */
export class CsvOut {
  buf: Buffer = Buffer.alloc(0);
  len = 0;
  /**
   * Buffers the output has written, to fill again: V8 frees a Buffer's memory only when a garbage collection
   * finds it unused, and this path makes little garbage, so fresh Buffers piled up (~20 MB of RSS).
   */
  private free: Buffer[] = [];

  /** Starts a new Buffer (the previous one belongs to the output until it is released). */
  reset(capacity: number): void {
    this.buf = (capacity <= POOLED && this.free.pop()) || Buffer.allocUnsafeSlow(Math.max(capacity, POOLED));
    this.len = 0;
  }

  /** Takes back a Buffer that `take` returned, once the output is done with it. */
  release(bytes: Buffer): void {
    if (bytes.byteOffset === 0 && bytes.buffer.byteLength === POOLED && this.free.length < 8)
      this.free.push(Buffer.from(bytes.buffer, 0, POOLED));
  }

  take(): Buffer {
    return this.buf.subarray(0, this.len);
  }

  room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(bigger, 0, 0, this.len);
    this.buf = bigger;
  }

  byte(c: number): void {
    this.room(1);
    this.buf[this.len++] = c;
  }

  /** Text of one-byte characters (numbers, true/false). */
  ascii(text: string): void {
    this.room(text.length);
    const { buf } = this;
    for (let i = 0; i < text.length; i++) buf[this.len++] = text.charCodeAt(i);
  }

  text(text: string): void {
    this.room(Buffer.byteLength(text));
    this.len += this.buf.write(text, this.len, 'utf8');
  }

  /** An integer |n| < 2^53 in decimal. */
  integer(n: number): void {
    this.room(17);
    const { buf } = this;
    if (n < 0) {
      buf[this.len++] = 45;
      n = -n;
    }
    if (n < 2147483648) {
      this.smallInteger(n | 0);
      return;
    }
    let digits = 1;
    for (let m = n; m >= 10; m = Math.floor(m / 10)) digits++;
    let at = this.len + digits;
    this.len = at;
    do {
      const q = Math.floor(n / 10);
      buf[--at] = 48 + n - q * 10;
      n = q;
    } while (n > 0);
  }

  private smallInteger(n: number): void {
    const { buf } = this;
    let digits = 1;
    for (let m = n; m >= 10; m = (m / 10) | 0) digits++;
    let at = this.len + digits;
    this.len = at;
    do {
      const q = (n / 10) | 0;
      buf[--at] = 48 + n - q * 10;
      n = q;
    } while (n > 0);
  }

  /**
   * A double as `String(x)` prints it, without making the string when it has at most 6 decimals and
   * |x| < 2^31 (sensor values mostly): the decimal k / 10^d with the fewest decimals that reads back as x is
   * then the only one with so few digits (two such decimals are 10^-d apart, more than x's ulp), so it is
   * the one JavaScript prints; from 1e-6 up, in plain notation.
   */
  float(x: number): void {
    const m = x < 0 ? -x : x;
    if (m >= 2147483648 || !(m >= 1e-6)) {
      this.ascii(x === 0 ? '0' : String(x));
      return;
    }
    for (let d = 0; d <= 6; d++) {
      const scale = SCALE[d]!;
      const k = Math.round(m * scale);
      if (k / scale !== m) continue;
      if (x < 0) this.byte(45);
      if (d === 0) {
        this.integer(k);
        return;
      }
      const whole = Math.floor(k / scale);
      this.integer(whole);
      this.room(d + 1);
      const { buf } = this;
      buf[this.len] = 46; // .
      let fraction = k - whole * scale;
      for (let i = d; i > 0; i--) {
        const q = Math.floor(fraction / 10);
        buf[this.len + i] = 48 + fraction - q * 10;
        fraction = q;
      }
      this.len += d + 1;
      return;
    }
    this.ascii(String(x));
  }

  /**
   * A string's UTF-8 bytes as `csvCell` writes the string: quoted when they hold a quote, comma or line
   * break, quotes doubled. Invalid UTF-8 is written as InfluxDB's JSON would have carried it.
   */
  cell(src: Buffer, start: number, end: number): void {
    let special = 0;
    let high = false;
    for (let i = start; i < end; i++) {
      const c = src[i]!;
      if (c === QUOTE || c === COMMA || c === 10 || c === 13) special |= c === QUOTE ? 2 : 1;
      else if (c >= 0x80) high = true;
    }
    if (high && !isUtf8(src.subarray(start, end))) {
      this.text(csvCell(goString(src, start, end)));
      return;
    }
    this.room(2 * (end - start) + 2);
    const { buf } = this;
    if (special === 0) {
      for (let i = start; i < end; i++) buf[this.len++] = src[i]!;
      return;
    }
    buf[this.len++] = QUOTE;
    for (let i = start; i < end; i++) {
      const c = src[i]!;
      if (c === QUOTE) buf[this.len++] = QUOTE;
      buf[this.len++] = c;
    }
    buf[this.len++] = QUOTE;
  }
}

/**
 * Writes nanosecond times as `formatTime` does, from the two 32-bit halves of InfluxDB's int64. Rows come
 * in time order, so each time is reached from the previous one by a difference that a double holds exactly;
 * BigInt is used only for the first time and after a jump of more than ~50 days.
 */
export class TimeWriter {
  private hi = 0;
  private lo = 0;
  private known = false;
  private seconds = 0;
  private sub = 0;
  private prefixMinute = Number.NaN;
  private prefix = Buffer.alloc(0);

  set(hi: number, lo: number): void {
    const dh = hi - this.hi;
    if (this.known && dh > -0x100000 && dh < 0x100000) {
      let sub = this.sub + dh * 4294967296 + (lo - this.lo);
      if (sub < 0 || sub >= 1e9) {
        let q = Math.floor(sub / 1e9);
        sub -= q * 1e9;
        if (sub < 0) {
          q--;
          sub += 1e9;
        } else if (sub >= 1e9) {
          q++;
          sub -= 1e9;
        }
        this.seconds += q;
      }
      this.sub = sub;
    } else {
      const ns = (BigInt(hi) << 32n) + BigInt(lo);
      let s = ns / 1_000_000_000n;
      let r = ns - s * 1_000_000_000n;
      if (r < 0n) {
        s -= 1n;
        r += 1_000_000_000n;
      }
      this.seconds = Number(s);
      this.sub = Number(r);
      this.known = true;
    }
    this.hi = hi;
    this.lo = lo;
  }

  /** The last time set, in nanoseconds. */
  get ns(): bigint | undefined {
    return this.known ? BigInt(this.seconds) * 1_000_000_000n + BigInt(this.sub) : undefined;
  }

  /** The last time set as RFC 3339: the fraction InfluxDB would print, trailing zeros dropped. */
  write(out: CsvOut): void {
    // The date and clock up to the minute (YYYY-MM-DDTHH:MM:, InfluxDB's years have four digits) change
    // once a minute at most; the seconds are written here.
    const minute = Math.floor(this.seconds / 60);
    if (minute !== this.prefixMinute) {
      this.prefixMinute = minute;
      this.prefix = Buffer.from(datePrefix(minute * 60).slice(0, 17), 'latin1');
    }
    const { prefix } = this;
    out.room(prefix.length + 13);
    const { buf } = out;
    let at = out.len;
    for (let i = 0; i < prefix.length; i++) buf[at++] = prefix[i]!;
    const second = this.seconds - minute * 60;
    buf[at++] = 48 + Math.floor(second / 10);
    buf[at++] = 48 + (second % 10);
    let sub = this.sub | 0; // < 1e9: small-integer arithmetic
    if (sub !== 0) {
      buf[at++] = 46; // .
      let digits = 9;
      while (sub % 10 === 0) {
        sub = (sub / 10) | 0;
        digits--;
      }
      at += digits;
      for (let i = 1; i <= digits; i++) {
        const q = (sub / 10) | 0;
        buf[at - i] = 48 + sub - q * 10;
        sub = q;
      }
    }
    buf[at++] = 90; // Z
    out.len = at;
  }
}
