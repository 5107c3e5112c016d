import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCapture, loadCaptureCases } from '../serial/capture.js';
import { createTrafficDecoder, decoder } from './decoder.js';
import { parseDurationS } from './duration.js';
import { trafficOptions } from './options.js';
import { vehicleLine } from './simulator.js';

describe('traffic test vectors (testdata/*.hex → *.lp, *.err; *.mode = units)', () => {
  for (const testCase of loadCaptureCases(join(import.meta.dirname, 'testdata'))) {
    it(`${testCase.name}: ${testCase.title}`, () => {
      for (const chunkSize of [Number.POSITIVE_INFINITY, 1, 5]) {
        const out = decodeCapture(decoder, testCase.bytes, { chunkSize, mode: testCase.mode });
        expect(out.lines).toEqual(testCase.lines);
        expect(out.rejections.map((r) => r.reason)).toEqual(testCase.rejections);
      }
    });
  }

  it('reads periods like "6m", "30s", "1h" and refuses others with the value', () => {
    expect([parseDurationS('6m'), parseDurationS('30s'), parseDurationS('1h'), parseDurationS(90)]).toEqual([
      360, 30, 3600, 90,
    ]);
    expect(() => parseDurationS('6 minutes')).toThrow(/"6 minutes"/);
    expect(trafficOptions.parse({ port: '/dev/ttyUSB2' })).toMatchObject({
      period: 360,
      speedUnit: 'mph',
      lengthUnit: 'ft',
    });
    expect(trafficOptions.safeParse({ port: '/dev/ttyUSB2', period: '0m' }).success).toBe(false);
  });
});

describe('traffic decoder under fuzz', () => {
  const profile = { lanes: 3, startMs: Date.UTC(2026, 10, 28, 14), timeStepMs: 7_000 };
  const count = (out: ReturnType<typeof decodeCapture>) =>
    out.readings.reduce((sum, r) => sum + Number(r.fields.count), 0);

  it('never throws on random bytes, and chunking never changes the result', () => {
    const bytesArb = fc.array(
      fc.oneof(
        fc.uint8Array({ maxLength: 30 }),
        fc.integer({ min: 1, max: 400 }).map((n) => Buffer.from(vehicleLine(profile, n))),
        fc.constant(Uint8Array.from([0x0a])),
      ),
      { maxLength: 30 },
    );
    fc.assert(
      fc.property(bytesArb, fc.integer({ min: 1, max: 40 }), (parts, chunkSize) => {
        const bytes = Buffer.concat(parts);
        const whole = decodeCapture(decoder, bytes);
        const chunked = decodeCapture(decoder, bytes, { chunkSize });
        expect(chunked.lines).toEqual(whole.lines);
        expect(chunked.rejections).toEqual(whole.rejections);
      }),
      { numRuns: 300 },
    );
  });

  it('counts every vehicle whose line is whole, whatever garbage or cut lines come before it', () => {
    const noise = fc.oneof(
      fc.uint8Array({ maxLength: 20 }).map((b) => b.filter((x) => x !== 0x0a)),
      fc.integer({ min: 1, max: 40 }).map((cut) => Buffer.from(vehicleLine(profile, 1)).subarray(0, cut)),
    );
    fc.assert(
      fc.property(fc.array(noise, { minLength: 1, maxLength: 60 }), (noises) => {
        const bytes = Buffer.concat(
          noises.flatMap((garbage, i) => [garbage, Buffer.from(vehicleLine(profile, i + 1))]),
        );
        const out = decodeCapture(decoder, bytes);
        expect(count(out)).toBe(noises.length);
      }),
      { numRuns: 300 },
    );
  });
});

describe('traffic line decoder and long noise', () => {
  it('keeps the record glued behind more noise than a line can hold, and reports the noise once', () => {
    const noise = 'x'.repeat(5000);
    const bytes = Buffer.from(`${noise}2026:11:28,14:00:05.100,01,0050.0,0015.0,00000400,0030.0,02\r\n`, 'latin1');
    for (const chunkSize of [Number.POSITIVE_INFINITY, 1, 100]) {
      const out = decodeCapture(decoder, bytes, { chunkSize });
      expect(out.readings.map((r) => r.fields.count)).toEqual([1n]);
      expect(out.rejections.map((r) => r.reason)).toEqual(['oversized']);
    }
  });
});

describe('the Click 512 heartbeat (user guide WX-501-0537, p. 6)', () => {
  it('is a sign of life, not a vehicle, and its clock closes the periods that are over', () => {
    const readings: unknown[] = [];
    let alive = 0;
    const stream = createTrafficDecoder(
      { periodS: 360, speedUnit: 'mph', lengthUnit: 'ft' },
      { reading: (r) => readings.push(r), rejected: () => {}, alive: () => alive++ },
    );
    stream.push(Buffer.from('2014:01:14,20:53:22.283,00,-47.6,0016.9,00000316,0028.0,02\r\n'));
    expect(readings).toHaveLength(0);
    stream.push(Buffer.from('2014:01:14,20:58:45.849,00,0000.0,0000.0,00000000,0000.0,00\r\n'));
    expect(alive).toBe(1);
    expect(readings).toHaveLength(1); // the 20:48–20:54 period ended before the heartbeat
    expect(readings[0]).toMatchObject({ fields: { count: 1n }, tags: { lane: '0', direction: 'reverse' } });
  });
});
