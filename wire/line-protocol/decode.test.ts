import { describe, expect, it } from 'vitest';
import { decodeLine, decodeLines, splitLines } from './decode.js';

describe('decodeLines', () => {
  it('reads the InfluxDB documentation examples', () => {
    const { readings, errors } = decodeLines(
      [
        'weather,location=us-midwest temperature=82 1465839830100400200',
        'weather,location\\ place=us\\,midwest temperature_str="too\\"hot\\"" 1465839830100400200',
        'weather,location=us-midwest too_hot=true,n=3i,f=-1.5e-3 1465839830100400200',
        '# a comment',
        '',
        'my\\ Measurement fieldKey="string value" 1',
      ].join('\n'),
    );
    expect(errors).toEqual([]);
    expect(readings).toEqual([
      {
        measurement: 'weather',
        tags: { location: 'us-midwest' },
        fields: { temperature: 82 },
        time: 1465839830100400200n,
      },
      {
        measurement: 'weather',
        tags: { 'location place': 'us,midwest' },
        fields: { temperature_str: 'too"hot"' },
        time: 1465839830100400200n,
      },
      {
        measurement: 'weather',
        tags: { location: 'us-midwest' },
        fields: { too_hot: true, n: 3n, f: -0.0015 },
        time: 1465839830100400200n,
      },
      { measurement: 'my Measurement', tags: {}, fields: { fieldKey: 'string value' }, time: 1n },
    ]);
  });

  it('accepts every boolean spelling of InfluxDB 1.x', () => {
    const r = decodeLine('m a=t,b=T,c=true,d=True,e=TRUE,f=f,g=F,h=false,i=False,j=FALSE 1');
    expect(Object.values(r.fields)).toEqual([true, true, true, true, true, false, false, false, false, false]);
  });

  it('keeps a newline inside a string field as part of the value', () => {
    const { readings } = decodeLines('m s="line one\nline two",n=1i 5\nm s="x" 6\n');
    expect(readings.map((r) => r.fields.s)).toEqual(['line one\nline two', 'x']);
    expect([...splitLines('a b="x\ny" 1\nc d=1 2')]).toEqual(['a b="x\ny" 1', 'c d=1 2']);
  });

  it('names the reason and position of each bad line and still reads the good ones', () => {
    const { readings, errors } = decodeLines(
      ['good a=1 1', 'nofields 1', 'm a= 1', 'm a=1 notatime', 'm,t a=1 1', 'm a="open 1'].join('\n'),
    );
    expect(readings).toHaveLength(1);
    expect(errors.map((e) => [e.line, e.column, e.reason])).toEqual([
      [2, 11, 'field without "="'],
      [3, 5, 'missing field value'],
      [4, 7, 'invalid timestamp "notatime"'],
      [5, 4, 'tag without "="'],
      [6, 5, 'unterminated string field'],
    ]);
  });

  it('refuses values InfluxDB 1.x refuses', () => {
    const cases: [string, RegExp][] = [
      ['m a=9223372036854775808i 1', /int64/],
      ['m a=1u 1', /unsigned/],
      ['m a=1e400 1', /out of range/],
      ['m a=NaN 1', /invalid field value/],
      ['m time=1 1', /reserved/],
      ['m,k=1,k=2 a=1 1', /duplicate tag/],
      ['m a=1,a=2 1', /duplicate field/],
      ['m a=1 1 extra', /after timestamp/],
      ['m a=1 99999999999999999999', /invalid timestamp|range/],
    ];
    for (const [line, reason] of cases) {
      const { errors } = decodeLines(line);
      expect(errors, line).toHaveLength(1);
      expect(errors[0]?.reason, line).toMatch(reason);
    }
  });

  it('requires a timestamp unless a default is given', () => {
    expect(decodeLines('m a=1').errors[0]?.reason).toBe('missing timestamp');
    expect(decodeLines('m a=1', { defaultTime: 7n }).readings[0]?.time).toBe(7n);
  });

  it('tolerates CRLF line ends and leading spaces', () => {
    expect(decodeLines('m a=1 1\r\n  m a=2 2\r\n').readings.map((r) => r.fields.a)).toEqual([1, 2]);
  });

  it('gives tag and field objects no prototype to pollute', () => {
    const r = decodeLine('m,__proto__=x constructor=1 1');
    expect(Object.getOwnPropertyDescriptor(r.tags, '__proto__')?.value).toBe('x');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});
