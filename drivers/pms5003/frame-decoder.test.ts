import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCapture, loadCaptureCases } from '../serial/capture.js';
import { decoder } from './decoder.js';
import { commands, dataFrame, parseDataFrame } from './protocol.js';
import { simulatedFrame } from './simulator.js';

describe('pms5003 test vectors (testdata/*.hex → *.lp, *.err)', () => {
  for (const testCase of loadCaptureCases(join(import.meta.dirname, 'testdata'))) {
    it(`${testCase.name}: ${testCase.title}`, () => {
      for (const chunkSize of [Number.POSITIVE_INFINITY, 1, 3]) {
        const out = decodeCapture(decoder, testCase.bytes, { chunkSize });
        expect(out.lines).toEqual(testCase.lines);
        expect(out.rejections.map((r) => r.reason)).toEqual(testCase.rejections);
      }
    });
  }

  it("encodes Appendix II's host commands with their check code (the sum of the five bytes before it)", () => {
    const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex').toUpperCase();
    expect(hex(commands.read())).toBe('424DE200000171');
    expect(hex(commands.mode('passive'))).toBe('424DE100000170');
    expect(hex(commands.mode('active'))).toBe('424DE100010171');
    expect(hex(commands.sleep(true))).toBe('424DE400000173');
    expect(hex(commands.sleep(false))).toBe('424DE400010174');
  });

  it('keeps CF=1 and atmospheric values apart: the reading is the atmospheric one', () => {
    const frame = simulatedFrame(3);
    expect(parseDataFrame(dataFrame(frame))).toEqual(frame);
    const [reading] = decodeCapture(decoder, dataFrame(frame)).readings;
    expect(reading?.fields).toEqual({
      pm1_ugm3: frame.atmospheric.pm1,
      pm2_5_ugm3: frame.atmospheric.pm2_5,
      pm10_ugm3: frame.atmospheric.pm10,
    });
  });
});

describe('pms5003 decoder under fuzz', () => {
  it('never throws on random bytes, and chunking never changes the result', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.integer({ min: 1, max: 64 }), (bytes, chunkSize) => {
        const whole = decodeCapture(decoder, bytes);
        const chunked = decodeCapture(decoder, bytes, { chunkSize });
        expect(chunked.lines).toEqual(whole.lines);
        expect(chunked.rejections.map((r) => r.reason)).toEqual(whole.rejections.map((r) => r.reason));
      }),
      { numRuns: 300 },
    );
  });

  it('finds every frame behind garbage that holds no frame start', () => {
    const garbage = fc.uint8Array({ maxLength: 40 }).map((b) => b.filter((x) => x !== 0x42));
    fc.assert(
      fc.property(fc.array(fc.tuple(garbage, fc.integer({ min: 1, max: 500 })), { maxLength: 15 }), (parts) => {
        const stream = Buffer.concat(parts.flatMap(([g, n]) => [g, dataFrame(simulatedFrame(n))]));
        const found = decodeCapture(decoder, stream).readings.map((r) => r.fields.pm2_5_ugm3);
        expect(found).toEqual(parts.map(([, n]) => simulatedFrame(n).atmospheric.pm2_5));
      }),
      { numRuns: 200 },
    );
  });
});
