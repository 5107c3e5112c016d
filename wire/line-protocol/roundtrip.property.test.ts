import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hostileString, readingArb } from '../../tests/support/readings.js';
import { decodeLines } from './decode.js';
import { encodeLine, encodeLines } from './encode.js';

describe('line protocol properties', () => {
  it('decode(encode(r)) == r for 10,000 generated readings with hostile names and strings', () => {
    fc.assert(
      fc.property(readingArb(), (reading) => {
        const { readings, errors } = decodeLines(encodeLine(reading));
        expect(errors).toEqual([]);
        expect(readings).toEqual([reading]);
      }),
      { numRuns: 10_000 },
    );
  });

  it('a batch of readings comes back whole and in order', () => {
    fc.assert(
      fc.property(fc.array(readingArb(), { maxLength: 20 }), (batch) => {
        const { readings, errors } = decodeLines(encodeLines(batch));
        expect(errors).toEqual([]);
        expect(readings).toEqual(batch);
      }),
      { numRuns: 1_000 },
    );
  });

  it('never throws on arbitrary text, and every error has a reason and a position', () => {
    fc.assert(
      fc.property(fc.oneof(hostileString(200), fc.string({ unit: 'binary', maxLength: 200 })), (text) => {
        const { errors } = decodeLines(text);
        for (const e of errors) {
          expect(e.reason.length).toBeGreaterThan(0);
          expect(e.line).toBeGreaterThanOrEqual(1);
          expect(e.column).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: 5_000 },
    );
  });

  it('never throws on mutated valid lines, and the untouched lines around them survive', () => {
    const mutated = fc
      .tuple(readingArb(), fc.nat(), fc.constantFrom(',', ' ', '=', '"', '\\', '\n', 'x', ''))
      .map(([r, at, ch]) => {
        const line = encodeLine(r);
        const i = at % (line.length + 1);
        return line.slice(0, i) + ch + line.slice(i + 1);
      });
    fc.assert(
      fc.property(mutated, (bad) => {
        const good = 'sentinel,k=v ok=1i 42';
        // A quote left open by a mutation may swallow following lines, as it would in InfluxDB; a newline
        // after an unterminated quote is the only way the sentinel can be lost.
        const { readings } = decodeLines(`${good}\n${bad}\n${good}`);
        expect(readings[0]).toEqual({ measurement: 'sentinel', tags: { k: 'v' }, fields: { ok: 1n }, time: 42n });
      }),
      { numRuns: 3_000 },
    );
  });

  it('reads very long hostile input without hanging', () => {
    const inputs = [
      '\\'.repeat(1_000_000),
      '"'.repeat(1_000_000),
      `m ${'a=1,'.repeat(200_000)}`,
      `m${',k=v'.repeat(200_000)} a=1 1`,
      `m s="${'\\"'.repeat(300_000)}`,
      'm a=1 1\n'.repeat(100_000),
    ];
    for (const text of inputs) {
      const { readings, errors } = decodeLines(text);
      expect(readings.length + errors.length).toBeGreaterThan(0);
    }
  });
});
