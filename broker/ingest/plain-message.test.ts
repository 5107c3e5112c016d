import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MEASUREMENTS } from '../../wire/index.js';
import { decodeLineByLine } from './message.js';
import { plainMessage } from './plain-message.js';

const ids = { gateway: 'gw-1', device: 'pm-1' };
const topicTags = ',device=pm-1,gateway=gw-1';

/** Names as gateways write them, catalogue names, and the ones that matter to the checks. */
const catalogueFields = MEASUREMENTS.flatMap((m) => m.fields.map((f) => f.name));
const name = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...MEASUREMENTS.map((m) => m.name), ...catalogueFields, 'sensor', 'a') },
  { weight: 3, arbitrary: fc.stringMatching(/^[A-Za-z0-9_.:/-]{1,12}$/) },
  { weight: 1, arbitrary: fc.constantFrom('time', 'gateway', 'device') },
);
const value = fc.oneof(
  { weight: 4, arbitrary: fc.integer().map((n) => `${n}i`) },
  { weight: 4, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }).map(String) },
  { weight: 2, arbitrary: fc.constantFrom('1', '-0', '.5', '5.', '00012.5', '9223372036854775807i', 'true', '"s"') },
);
const time = fc.oneof(
  { weight: 8, arbitrary: fc.bigInt({ min: 0n, max: 8_999_999_999_999_999_999n }).map(String) },
  { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 9_300_000_000_000_000_000n }).map(String) },
  { weight: 1, arbitrary: fc.constantFrom('8999999999999999999', '9000000000000000000', '9223372036854775806', '-1') },
);
const plainish = fc
  .record({
    measurement: name,
    tags: fc.array(fc.tuple(name, name), { maxLength: 3 }),
    fields: fc.array(fc.tuple(name, value), { minLength: 1, maxLength: 3 }),
    time,
  })
  .map(
    (l) =>
      `${l.measurement}${l.tags.map(([k, v]) => `,${k}=${v}`).join('')} ${l.fields.map(([k, v]) => `${k}=${v}`).join(',')} ${l.time}`,
  );
/** A line broken by one character that matters to line protocol or to line ends. */
const broken = fc
  .tuple(plainish, fc.nat(), fc.constantFrom(' ', ',', '=', '"', '\\', '#', '\r', '\u2028', '\t', '', 'i'))
  .map(([line, at, c]) => line.slice(0, at % (line.length + 1)) + c + line.slice(at % (line.length + 1)));
/** A gateway's message: a few line shapes repeated with other values, sometimes a broken line. */
const message = fc
  .array(fc.oneof({ weight: 9, arbitrary: plainish }, { weight: 1, arbitrary: broken }), { minLength: 1, maxLength: 4 })
  .chain((pool) => fc.array(fc.constantFrom(...pool), { minLength: 1, maxLength: 30 }))
  .map((lines) => lines.join('\n'));

describe('plainMessage', () => {
  it('gives what the line scanner gives, line by line, for every message it takes', () => {
    let taken = 0;
    fc.assert(
      fc.property(message, (text) => {
        const fast = plainMessage(text, topicTags);
        if (!fast) return;
        taken++;
        const slow = decodeLineByLine(text, topicTags, ids, false);
        expect(slow.rejection).toBeUndefined();
        expect({ text, ...fast }).toEqual({
          text,
          lines: slow.lines,
          points: slow.points,
          uncatalogued: slow.uncatalogued,
        });
      }),
      { numRuns: 4_000 },
    );
    expect(taken).toBeGreaterThan(100); // the property is about something
  });

  it('leaves to the line scanner what it must decide', () => {
    for (const text of [
      'a x=1 1\r\nb x=1 2', // a CR before the newline
      'a x=1 1\u2028', // a line separator the m flag would take for a line end
      'a x=1 1\n', // a blank line
      'a,gateway=gw-2 x=1 1', // a topic tag
      'a x=1,x=2 1', // a duplicate field
      'a,t=1,t=2 x=1 1', // a duplicate tag
      'a time=1 1',
      'a x=1 9223372036854775807', // beyond InfluxDB's time range
      'a x="s" 1',
    ])
      expect(plainMessage(text, topicTags), JSON.stringify(text)).toBeUndefined();
  });

  it('takes a gateway message of one shape and of several', () => {
    const one = 'air_quality,sensor=sds011 pm2_5_ugm3=3.5 1\nair_quality,sensor=sds011 pm2_5_ugm3=4 2';
    expect(plainMessage(one, topicTags)).toEqual({
      lines: `air_quality,sensor=sds011${topicTags} pm2_5_ugm3=3.5 1\nair_quality,sensor=sds011${topicTags} pm2_5_ugm3=4 2`,
      points: 2,
    });
    const two = `${one}\ntraffic,direction=in vehicles=12i 3`;
    expect(plainMessage(two, topicTags)).toEqual(decodeLineByLine(two, topicTags, ids, false));
  });
});
