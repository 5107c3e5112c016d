import { describe, expect, it } from 'vitest';
import { CsvOut, TimeWriter } from './csv-out.js';
import { csvCell } from './formats.js';
import { formatTime } from './time.js';

function written(write: (out: CsvOut) => void): string {
  const out = new CsvOut();
  out.reset(16);
  write(out);
  return out.take().toString();
}

describe('CsvOut and TimeWriter', () => {
  it('print doubles exactly as String(x) does, short decimals without making the string', () => {
    const view = new DataView(new ArrayBuffer(8));
    const xs = [0, -0, 1e-6, 1e-7, -1e-6, 2147483647.5, 2147483648.1, 1e21, 5e-324, 0.1 + 0.2, 1.005, 4.35, -38.7];
    for (let i = 0; i < 100_000; i++) {
      const d = i % 8;
      const mag = 10 ** ((i % 13) - 3);
      const x = Math.round(Math.random() * mag * 10 ** d) / 10 ** d;
      view.setUint32(0, (Math.random() * 2 ** 32) >>> 0);
      view.setUint32(4, (Math.random() * 2 ** 32) >>> 0);
      xs.push(i % 2 ? -x : x, x * (1 + Number.EPSILON), Math.random() * mag, i / 1000, 0.1 + i * 0.2, 2 ** -(i % 40));
      if (Number.isFinite(view.getFloat64(0))) xs.push(view.getFloat64(0));
    }
    const out = new CsvOut();
    for (const x of xs) {
      out.reset(8);
      out.float(x);
      if (out.take().toString() !== String(x)) expect(out.take().toString(), String(x)).toBe(String(x));
    }
  });

  it('write times as formatTime does, in order, after jumps, before 1970 and at the int64 limits', () => {
    const times = [0n, 1n, -1n, 999_999_999n, 1_000_000_000n, 9_223_372_036_854_775_807n, -9_223_372_036_854_775_808n];
    let t = 1_767_225_600_000_000_000n;
    for (let i = 0; i < 20_000; i++) {
      const r = Math.random();
      t +=
        r < 0.01 ? BigInt(Math.floor(Math.random() * 2 ** 40)) * 10_000n : BigInt(Math.floor(r * 3e9)) - 100_000_000n;
      times.push(t, i % 500 === 0 ? -t : t);
    }
    const time = new TimeWriter();
    for (const ns of times) {
      time.set(Number(BigInt.asIntN(32, ns >> 32n)), Number(ns & 0xffffffffn));
      const text = written((out) => time.write(out));
      if (text !== formatTime(ns)) expect(text, String(ns)).toBe(formatTime(ns));
      expect(time.ns).toBe(ns);
    }
  });

  it('quote UTF-8 bytes as csvCell quotes the string', () => {
    const alphabet = ['a', ' ', '"', ',', '\n', '\r', '\\', 'é', '雨', '🌧', ';'];
    for (let i = 0; i < 5_000; i++) {
      const s = Array.from({ length: i % 9 }, () => alphabet[Math.floor(Math.random() * alphabet.length)]).join('');
      const bytes = Buffer.from(s);
      expect(written((out) => out.cell(bytes, 0, bytes.length))).toBe(csvCell(s));
    }
  });
});
