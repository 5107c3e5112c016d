import { describe, expect, it } from 'vitest';
import { EncodeError, encodeLine, encodeLines } from './encode.js';

const t = 1465839830100400200n;

describe('encodeLine', () => {
  it('writes the InfluxDB documentation example', () => {
    expect(
      encodeLine({ measurement: 'weather', tags: { location: 'us-midwest' }, fields: { temperature: 82 }, time: t }),
    ).toBe('weather,location=us-midwest temperature=82 1465839830100400200');
  });

  it('sorts tags and keeps field order', () => {
    expect(encodeLine({ measurement: 'm', tags: { z: '1', a: '2' }, fields: { b: 1, a: 2 }, time: 1n })).toBe(
      'm,a=2,z=1 b=1,a=2 1',
    );
  });

  it('escapes commas and spaces in measurements, and = too in keys and tag values', () => {
    expect(
      encodeLine({
        measurement: 'my meas,ure=x',
        tags: { 'tag key,=': 'tag value,=' },
        fields: { 'f k=,': 1 },
        time: 1n,
      }),
    ).toBe('my\\ meas\\,ure=x,tag\\ key\\,\\==tag\\ value\\,\\= f\\ k\\=\\,=1 1');
  });

  it('quotes strings and escapes quotes and backslashes, keeping newlines', () => {
    expect(encodeLine({ measurement: 'm', tags: {}, fields: { s: 'a "b" \\ c\nd' }, time: 1n })).toBe(
      'm s="a \\"b\\" \\\\ c\nd" 1',
    );
  });

  it('suffixes integers with i, writes booleans and keeps float precision', () => {
    expect(
      encodeLine({
        measurement: 'm',
        tags: {},
        fields: { i: -9223372036854775808n, b: true, c: false, f: 0.1 + 0.2, e: 1e21, z: -0 },
        time: -5n,
      }),
    ).toBe('m i=-9223372036854775808i,b=true,c=false,f=0.30000000000000004,e=1e+21,z=-0 -5');
  });

  it('refuses what InfluxDB could not read back', () => {
    const bad: {
      measurement: string;
      tags?: Record<string, string>;
      fields: Record<string, number | bigint | string>;
    }[] = [
      { measurement: '', fields: { a: 1 } },
      { measurement: '#comment', fields: { a: 1 } },
      { measurement: 'm', fields: {} },
      { measurement: 'm', fields: { a: Number.NaN } },
      { measurement: 'm', fields: { a: Number.POSITIVE_INFINITY } },
      { measurement: 'm', fields: { a: 2n ** 63n } },
      { measurement: 'm', fields: { time: 1 } },
      { measurement: 'm', tags: { time: 'x' }, fields: { a: 1 } },
      { measurement: 'm', tags: { k: '' }, fields: { a: 1 } },
      { measurement: 'm', tags: { k: 'new\nline' }, fields: { a: 1 } },
      { measurement: 'm', tags: { k: 'ends with \\' }, fields: { a: 1 } },
      { measurement: 'm', tags: { k: 'back\\,slash' }, fields: { a: 1 } },
      { measurement: 'm', fields: { s: 'x'.repeat(64 * 1024 + 1) } },
    ];
    for (const r of bad) {
      expect(() => encodeLine({ tags: {}, time: 1n, ...r })).toThrow(EncodeError);
    }
  });

  it('keeps a backslash that InfluxDB reads back unchanged', () => {
    expect(encodeLine({ measurement: 'C:\\path', tags: { k: 'a\\b' }, fields: { a: 1 }, time: 1n })).toBe(
      'C:\\path,k=a\\b a=1 1',
    );
  });

  it('writes many readings as newline-terminated lines', () => {
    const r = { measurement: 'm', tags: {}, fields: { a: 1 }, time: 1n };
    expect(encodeLines([r, r])).toBe('m a=1 1\nm a=1 1\n');
  });
});
