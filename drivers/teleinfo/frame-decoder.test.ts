import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mutate, mutationArb } from '../../tests/support/byte-mutations.js';
import { decodeCapture, loadCaptureCases } from '../serial/capture.js';
import { decoder } from './decoder.js';
import { encodeFrame, encodeGroup } from './protocol.js';

describe('teleinfo test vectors (testdata/*.hex → *.lp, *.err; *.mode picks standard)', () => {
  for (const testCase of loadCaptureCases(join(import.meta.dirname, 'testdata'))) {
    it(`${testCase.name}: ${testCase.title}`, () => {
      for (const chunkSize of [Number.POSITIVE_INFINITY, 1, 7]) {
        const out = decodeCapture(decoder, testCase.bytes, { chunkSize, mode: testCase.mode });
        expect(out.lines).toEqual(testCase.lines);
        expect(out.rejections.map((r) => r.reason)).toEqual(testCase.rejections);
      }
    });
  }

  const last = (group: Uint8Array) => String.fromCharCode(group[group.length - 2] as number);

  it('computes the checksums of Enedis-OSS/TIC2WebSocket test frames (Enedis), spaces and empty data included', () => {
    expect(last(encodeGroup('historique', 'ADCO', '812164417227'))).toBe('D');
    expect(last(encodeGroup('historique', 'PTEC', 'TH..'))).toBe('$');
    expect(last(encodeGroup('standard', 'DATE', '', 'E170915101601'))).toBe('>');
    expect(last(encodeGroup('standard', 'EASD01', '000000000'))).toBe(' ');
    expect(last(encodeGroup('standard', 'SMAXSN', '00000', 'E170915100926'))).toBe('3');
    expect(last(encodeGroup('standard', 'NGTF', 'H PLEINE/CREUSE '))).toBe('\\');
  });

  it('computes the checksums of groups seen in meter captures other projects published, spaces included', () => {
    expect(last(encodeGroup('historique', 'PTEC', 'HP..'))).toBe(' ');
    expect(last(encodeGroup('historique', 'IINST', '002'))).toBe('Y');
    expect(last(encodeGroup('historique', 'MOTDETAT', '000000'))).toBe('B');
    expect(last(encodeGroup('standard', 'SINSTS', '00260'))).toBe('N');
    expect(last(encodeGroup('standard', 'URMS1', '241'))).toBe('A');
    expect(last(encodeGroup('standard', 'SMAXSN', '00986', 'H240210110331'))).toBe('6');
    expect(last(encodeGroup('standard', 'SMAXSN-1', '09562', 'H200213085118'))).toBe(' ');
    expect(last(encodeGroup('standard', 'MSG1', 'PAS DE          MESSAGE         '))).toBe('<');
    expect(last(encodeGroup('standard', 'VTIC', '02'))).toBe('J');
  });

  it('marks the meter address and the PRM as identifiers', () => {
    const frame = encodeFrame([
      encodeGroup('standard', 'ADSC', '031664001115'),
      encodeGroup('standard', 'PRM', '30001234567890'),
      encodeGroup('standard', 'EAST', '000000001'),
    ]);
    const [reading] = decodeCapture(decoder, frame, { mode: 'standard' }).readings;
    expect(reading?.identifiers).toEqual(['meter', 'prm']);
    expect(reading?.tags.meter).toBe('031664001115');
  });

  it('keeps the meter tag for a frame whose ADCO group was corrupted', () => {
    const good = encodeFrame([
      encodeGroup('historique', 'ADCO', '031664001115'),
      encodeGroup('historique', 'BASE', '000000001'),
    ]);
    const badAdco = encodeGroup('historique', 'ADCO', '031664001115');
    badAdco[badAdco.length - 2] = 0x21;
    const next = encodeFrame([badAdco, encodeGroup('historique', 'BASE', '000000002')]);
    const out = decodeCapture(decoder, Uint8Array.from([...good, ...next]));
    expect(out.readings.map((r) => r.tags.meter)).toEqual(['031664001115', '031664001115']);
    expect(out.rejections.map((r) => r.reason)).toEqual(['checksum']);
  });
});

describe('teleinfo decoder under fuzz', () => {
  const digits = (n: number) => fc.stringMatching(new RegExp(`^[0-9]{${n}}$`));
  const frameArb = fc.record({
    base: digits(9),
    papp: digits(5),
    mode: fc.constantFrom('historique' as const, 'standard' as const),
  });
  const frameOf = (f: { base: string; papp: string; mode: 'historique' | 'standard' }) =>
    f.mode === 'historique'
      ? encodeFrame([
          encodeGroup('historique', 'ADCO', '031664001115'),
          encodeGroup('historique', 'BASE', f.base),
          encodeGroup('historique', 'PAPP', f.papp),
        ])
      : encodeFrame([
          encodeGroup('standard', 'ADSC', '031664001115'),
          encodeGroup('standard', 'EAST', f.base),
          encodeGroup('standard', 'SINSTS', f.papp),
        ]);
  const modes = ['historique', 'standard'] as const;

  it('never throws on random bytes in either mode, and chunking never changes the result', () => {
    const bytesArb = fc
      .uint8Array({ maxLength: 800 })
      .map((b) => b.map((x) => (x % 7 === 0 ? [2, 3, 4, 9, 10, 13, 32][x % 7]! : x)));
    fc.assert(
      fc.property(bytesArb, fc.integer({ min: 1, max: 50 }), fc.constantFrom(...modes), (bytes, chunkSize, mode) => {
        const whole = decodeCapture(decoder, bytes, { mode });
        const chunked = decodeCapture(decoder, bytes, { mode, chunkSize });
        expect(chunked.lines).toEqual(whole.lines);
        expect(chunked.rejections).toEqual(whole.rejections);
      }),
      { numRuns: 300 },
    );
  });

  it('finds every valid frame embedded in garbage', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...modes),
        fc.array(fc.tuple(fc.uint8Array({ maxLength: 60 }), frameArb), { maxLength: 12 }),
        (mode, parts) => {
          const stream = Buffer.concat(parts.flatMap(([garbage, f]) => [garbage, frameOf({ ...f, mode })]));
          const found = decodeCapture(decoder, stream, { mode }).readings.map((r) => r.fields.energy_import_wh);
          let at = 0;
          for (const [, f] of parts) {
            while (at < found.length && found[at] !== Number(f.base)) at++;
            expect(at, `frame with index ${f.base} not found`).toBeLessThan(found.length);
            at++;
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('survives mutated frames: flipped, dropped and inserted bytes', () => {
    fc.assert(
      fc.property(
        fc.array(frameArb, { minLength: 1, maxLength: 10 }),
        fc.array(mutationArb, { maxLength: 8 }),
        (frames, mutations) => {
          const mode = frames[0]!.mode;
          const bytes = mutate(Buffer.concat(frames.map((f) => frameOf({ ...f, mode }))), mutations);
          const out = decodeCapture(decoder, bytes, { mode, chunkSize: 13 });
          expect(out.readings.length).toBeGreaterThanOrEqual(frames.length - 2 * mutations.length);
        },
      ),
      { numRuns: 300 },
    );
  });
});
