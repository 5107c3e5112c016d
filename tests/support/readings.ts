import fc from 'fast-check';
import { nameProblem } from '../../wire/line-protocol/escape.js';
import { type FieldValue, INT64_MAX, INT64_MIN, type Reading } from '../../wire/reading.js';

/**
 * fast-check generators of readings for property tests: names and strings made mostly of the
 * characters line protocol must escape, plus non-ASCII text.
 */
const HOSTILE = [
  ',',
  ' ',
  '=',
  '"',
  '\\',
  '\n',
  '\r',
  '\t',
  '#',
  "'",
  'é',
  'ß',
  '水',
  '🌊',
  '\u0000',
  'a',
  'Z',
  '0',
  '_',
  '-',
  '.',
];

const hostileChar = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }) },
);

export const hostileString = (maxLength = 24) => fc.string({ unit: hostileChar, maxLength });

function nameArb(kind: Parameters<typeof nameProblem>[1]) {
  return hostileString(16).filter((s) => nameProblem(s, kind) === undefined);
}

export const fieldValueArb: fc.Arbitrary<FieldValue> = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.bigInt({ min: INT64_MIN, max: INT64_MAX }),
  hostileString(40),
  fc.boolean(),
);

export function readingArb(
  options: { timeMin?: bigint; timeMax?: bigint; fieldValue?: fc.Arbitrary<FieldValue> } = {},
): fc.Arbitrary<Reading> {
  return fc
    .record({
      measurement: nameArb('measurement'),
      tags: fc.dictionary(nameArb('tag key'), nameArb('tag value'), { maxKeys: 4, noNullPrototype: true }),
      fields: fc.dictionary(nameArb('field key'), options.fieldValue ?? fieldValueArb, {
        minKeys: 1,
        maxKeys: 5,
        noNullPrototype: true,
      }),
      time: fc.bigInt({ min: options.timeMin ?? INT64_MIN, max: options.timeMax ?? INT64_MAX }),
    })
    .map((r) => ({ ...r, tags: { ...r.tags }, fields: { ...r.fields } }));
}
