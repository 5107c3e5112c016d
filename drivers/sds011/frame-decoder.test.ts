import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mutate, mutationArb } from '../../tests/support/byte-mutations.js';
import { decodeCapture, loadCaptureCases } from '../serial/capture.js';
import { decoder } from './decoder.js';
import { commands, dataFrame } from './protocol.js';

describe('sds011 test vectors (testdata/*.hex → *.lp, *.err)', () => {
  for (const testCase of loadCaptureCases(join(import.meta.dirname, 'testdata'))) {
    it(`${testCase.name}: ${testCase.title}`, () => {
      for (const chunkSize of [Number.POSITIVE_INFINITY, 1, 3]) {
        const out = decodeCapture(decoder, testCase.bytes, { chunkSize });
        expect(out.lines).toEqual(testCase.lines);
        expect(out.rejections.map((r) => r.reason)).toEqual(testCase.rejections);
      }
    });
  }

  it('marks the sensor id as an identifier', () => {
    const [reading] = decodeCapture(decoder, dataFrame(1, 2, 0xbeef)).readings;
    expect(reading?.tags.serial).toBe('BEEF');
    expect(reading?.identifiers).toEqual(['serial']);
  });

  const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex').toUpperCase();

  it('encodes the host commands printed in Laser Dust Sensor Control Protocol V1.3, §3 Command', () => {
    const a160 = 0xa160;
    // 1) Set data reporting mode (p. 3): set sensor A160 to report query mode
    expect(hex(commands.setReportingMode('query', a160))).toBe('AAB402010100000000000000000000A16005AB');
    // 2) Query data command (p. 4): any sensor, then sensor A160
    expect(hex(commands.queryData())).toBe('AAB404000000000000000000000000FFFF02AB');
    expect(hex(commands.queryData(a160))).toBe('AAB404000000000000000000000000A16005AB');
    // 4) Set sleep and work (p. 7): sleep, work
    expect(hex(commands.setWorking(false, a160))).toBe('AAB406010000000000000000000000A16008AB');
    expect(hex(commands.setWorking(true, a160))).toBe('AAB406010100000000000000000000A16009AB');
    // 5) Set working period (p. 8): 1 minute, 0 (continuous)
    expect(hex(commands.setWorkingPeriod(1, a160))).toBe('AAB408010100000000000000000000A1600BAB');
    expect(hex(commands.setWorkingPeriod(0, a160))).toBe('AAB408010000000000000000000000A1600AAB');
  });

  it('encodes the commands it sends to any sensor (FF FF), checksums as the document defines them', () => {
    expect(hex(commands.setReportingMode('query'))).toBe('AAB402010100000000000000000000FFFF02AB');
    expect(hex(commands.setWorking(false))).toBe('AAB406010000000000000000000000FFFF05AB');
    expect(hex(commands.setWorkingPeriod(1))).toBe('AAB408010100000000000000000000FFFF08AB');
  });
});

describe('sds011 decoder under fuzz', () => {
  const pm = fc.integer({ min: 0, max: 65535 }).map((n) => n / 10);
  const frameArb = fc.record({ pm2_5: pm, pm10: pm, id: fc.integer({ min: 0, max: 0xffff }) });

  it('never throws on random bytes, whatever the chunking, and the chunking never changes the result', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.integer({ min: 1, max: 64 }), (bytes, chunkSize) => {
        const whole = decodeCapture(decoder, bytes);
        const chunked = decodeCapture(decoder, bytes, { chunkSize });
        expect(chunked.lines).toEqual(whole.lines);
        expect(chunked.rejections.map((r) => r.reason)).toEqual(whole.rejections.map((r) => r.reason));
      }),
      { numRuns: 300 },
    );
  });

  it('finds every valid frame embedded in garbage', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.uint8Array({ maxLength: 40 }), frameArb), { maxLength: 20 }), (parts) => {
        const stream = Buffer.concat(parts.flatMap(([garbage, f]) => [garbage, dataFrame(f.pm2_5, f.pm10, f.id)]));
        const found = decodeCapture(decoder, stream).readings.map((r) => [r.fields.pm2_5_ugm3, r.fields.pm10_ugm3]);
        // Garbage may hold frames of its own: the embedded ones must appear in order among those found.
        let at = 0;
        for (const [, f] of parts) {
          while (at < found.length && !(found[at]?.[0] === f.pm2_5 && found[at]?.[1] === f.pm10)) at++;
          expect(at, `frame ${f.pm2_5}/${f.pm10} not found`).toBeLessThan(found.length);
          at++;
        }
      }),
      { numRuns: 300 },
    );
  });

  it('survives mutated streams of frames (flipped, dropped and inserted bytes)', () => {
    fc.assert(
      fc.property(
        fc.array(frameArb, { minLength: 1, maxLength: 20 }),
        fc.array(mutationArb, { maxLength: 10 }),
        (frames, mutations) => {
          const bytes = mutate(Buffer.concat(frames.map((f) => dataFrame(f.pm2_5, f.pm10, f.id))), mutations);
          const out = decodeCapture(decoder, bytes, { chunkSize: 7 });
          // Each mutation spoils at most the frames it touches: at least the untouched ones remain.
          expect(out.readings.length).toBeGreaterThanOrEqual(frames.length - 2 * mutations.length);
          for (const r of out.rejections) expect(['checksum', 'truncated', 'framing', 'garbage']).toContain(r.reason);
        },
      ),
      { numRuns: 300 },
    );
  });
});
