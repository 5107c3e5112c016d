import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hostileString, readingArb } from '../../tests/support/readings.js';
import { decodeLines, encodeLine, splitLines } from '../../wire/index.js';
import { INFLUX_REFUSES, scanLine, scanLineFully } from './line-scan.js';

/** Characters that matter to line protocol, to mutate good lines with. */
const specialChar = fc.constantFrom(
  ' ',
  ',',
  '=',
  '"',
  '\\',
  'i',
  'u',
  'e',
  '-',
  '.',
  '0',
  '9',
  't',
  '#',
  '\t',
  '\x7f',
);
const mutation = fc.tuple(fc.nat(), fc.constantFrom('drop', 'insert', 'replace'), specialChar);

function mutateLine(line: string, mutations: [number, string, string][]): string {
  let s = line;
  for (const [at, kind, c] of mutations) {
    const i = s.length ? at % s.length : 0;
    if (kind === 'drop') s = s.slice(0, i) + s.slice(i + 1);
    else if (kind === 'insert') s = s.slice(0, i) + c + s.slice(i);
    else s = s.slice(0, i) + c + s.slice(i + 1);
  }
  return s;
}

/** The verdict of the wire decoder on one line, and of the scanner, in the same terms. */
function verdicts(line: string) {
  const decoded = decodeLines(line);
  const reading = decoded.readings.length === 1 && decoded.errors.length === 0 ? decoded.readings[0] : undefined;
  let start = 0;
  while (line.charCodeAt(start) === 32) start++;
  const scan = scanLine(line, start);
  return { decoder: reading !== undefined, scanner: scan.ok, scan, reading, start };
}

function expectSameVerdict(line: string): void {
  // One line, not blank, not a comment: what the ingestor hands the scanner.
  if ([...splitLines(line)].length !== 1) return;
  const trimmed = line.trimStart();
  if (trimmed === '' || trimmed.startsWith('#') || line.endsWith('\r')) return;
  const v = verdicts(line);
  // Where InfluxDB refuses a line wire/ reads, the scanner follows InfluxDB.
  if (!v.scan.ok && v.scan.reason.startsWith(INFLUX_REFUSES)) {
    expect(v.decoder).toBe(true);
    return;
  }
  expect({ line, accepted: v.scanner }).toEqual({ line, accepted: v.decoder });
  if (v.scan.ok && v.reading) {
    // The series key the scanner found is the decoder's measurement and tags.
    const key = line.slice(v.start, v.scan.keyEnd);
    const [again] = decodeLines(`${key} x=1 1`).readings;
    expect(again?.measurement).toBe(v.reading.measurement);
    expect(again?.tags).toEqual(v.reading.tags);
  }
}

describe('scanLine', () => {
  it('accepts every line the encoder writes (3,000 generated readings with hostile names)', () => {
    fc.assert(
      fc.property(readingArb(), (reading) => {
        const scan = scanLine(encodeLine(reading), 0);
        if (!scan.ok) expect(scan.reason).toMatch(new RegExp(`^${INFLUX_REFUSES} a timestamp`));
      }),
      { numRuns: 3_000 },
    );
  });

  it('agrees with the wire decoder on mutated good lines', () => {
    fc.assert(
      fc.property(readingArb(), fc.array(mutation, { minLength: 1, maxLength: 4 }), (reading, mutations) => {
        expectSameVerdict(mutateLine(encodeLine(reading), mutations));
      }),
      { numRuns: 5_000 },
    );
  });

  it('agrees with the wire decoder on hostile text', () => {
    fc.assert(
      fc.property(hostileString(80), (text) => expectSameVerdict(text)),
      { numRuns: 10_000 },
    );
  });

  it('agrees on the edges of numbers and names', () => {
    const lines = [
      'm v=9223372036854775807i 1',
      'm v=9223372036854775808i 1',
      'm v=-9223372036854775808i 1',
      'm v=-9223372036854775809i 1',
      'm v=000000000000000000000000001i 1',
      'm v=1u 1',
      'm v=1e308 1',
      'm v=1e309 1',
      'm v=.5 1',
      'm v=5. 1',
      'm v=1e 1',
      'm v=+1 1',
      'm v=+ 1',
      'm v=+i 1',
      'm v=+1e999 1',
      'm v=+-1 1',
      'm v=TRUE,w=False 1',
      'm v=tRue 1',
      'm v=1 9223372036854775807',
      'm v=1 9223372036854775808',
      'm v=1 -9223372036854775808',
      'm v=1 01234567890123456789',
      'm v=1 1 ',
      'm v=1 1 2',
      'm v=1',
      'm v=1 ',
      'm,time=x v=1 1',
      'm time=1 1',
      'm,a=1,a=2 v=1 1',
      'm v=1,v=2 1',
      'm\\ x,a\\,b=c\\=d v="q\\"uote" 1',
      'm\\\\ v=1 1',
      'm,a=b\\ v=1 1',
      'm,a=b\\',
      'm v="unterminated 1',
      'm,a= v=1 1',
      'm,=a v=1 1',
      ',a=b v=1 1',
    ];
    for (const line of lines) expectSameVerdict(line);
  });

  it('answers a plain line (the regular-expression path) exactly as the full scanner does', () => {
    const name = fc.stringMatching(/^[A-Za-z0-9_.:/-]{1,12}$/);
    const value = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => String(n)),
      fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((n) => `${n}i`),
      fc.constantFrom('1.', '.5', '-0.0', '007', '1e3', 't', '"s"', '+1', '12u'),
    );
    const line = fc
      .tuple(
        name,
        fc.array(fc.tuple(fc.oneof(name, fc.constantFrom('time', 'gateway', 'device')), name), { maxLength: 4 }),
        fc.array(fc.tuple(fc.oneof(name, fc.constant('time')), value), { minLength: 1, maxLength: 4 }),
        fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }), fc.constantFrom(9223372036854775806n, 1n)),
      )
      .map(
        ([m, tags, fields, t]) =>
          `${m}${tags.map(([k, v]) => `,${k}=${v}`).join('')} ${fields.map(([k, v]) => `${k}=${v}`).join(',')} ${t}`,
      );
    fc.assert(
      fc.property(line, mutation, (l, mutated) => {
        for (const text of [l, mutateLine(l, [mutated])]) {
          if (text.startsWith(' ') || text.startsWith('#') || text.includes('\n')) continue;
          expect({ text, scan: scanLine(text, 0) }).toEqual({ text, scan: scanLineFully(text, 0) });
        }
      }),
      { numRuns: 5_000 },
    );
  });
});
