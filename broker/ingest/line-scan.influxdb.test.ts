import { describe, expect, it } from 'vitest';
import { useInflux } from '../../tests/harness/index.js';
import { scanLine } from './line-scan.js';

/**
 * The scanner against InfluxDB 1.6 itself: each line is written alone to a real influxd; whether
 * influxd stores it (204) must be whether the scanner passes it. `{m}` becomes a measurement of its
 * own, so field types never conflict between cases.
 */
const SAME = [
  '{m} v=1 1700000000000000000',
  '{m},site=a\\ b,k=v\\,w s="x\\"y\\\\z",n=-3i,b=T,f=1.5e3,g=.5,h=5. 1700000000000000000',
  '{m} v=9223372036854775807i 1',
  '{m} v=-9223372036854775808i 1',
  '{m} v=9223372036854775808i 1',
  '{m} v=-9223372036854775809i 1',
  '{m} v=000000000000000000000000001i 1',
  '{m} v=1u 1',
  '{m} v=1e308 1',
  '{m} v=1e309 1',
  '{m} v=1e 1',
  '{m} v=+1 1',
  '{m} v=+1i 1',
  '{m} v=-1 1',
  '{m},time=x v=1 1',
  '{m} time=1 1',
  '{m} v=1 9223372036854775807',
  '{m} v=1 -9223372036854775808',
  '{m} v=1 -9223372036854775806',
  '{m},a=1,a=2 v=1 1',
  '{m},a=b\\\\ v=1 1',
  '{m} v=1 -9223372036854775807',
  '{m} v="a\\" 1',
  '{m} v=TRUE,w=False,x=f,y=t 1',
  '{m} v=tRue 1',
  '{m} v=abc 1',
  '{m} v= 1',
  '{m} v="unterminated 1',
  '{m} v=1 1 2',
  '{m} v=1 1x',
  '{m} v=1 1.5',
  '{m} v=1 -1',
  '{m} v=1 9223372036854775808',
  '{m},a= v=1 1',
  '{m},=a v=1 1',
  '{m},a v=1 1',
  '{m} =1 1',
  '{m} v 1',
  ',a=b v=1 1',
  '{m}',
  '{m} v=1,',
  '{m}   v=1   1',
  '{m} s="a\nb" 1',
  '{m} v=NaN 1',
  '{m} v=Inf 1',
  '{m} v=0x10 1',
  '{m} v=1_000 1',
  'my\\ {m}\\,x v=1 1',
];

/** Lines influxd stores that tidegate refuses on purpose (wire/ decode rules), and why. */
const STRICTER = [
  ['{m} v=1', 'a reading without its timestamp would be stamped with the arrival time'],
  ['{m},a=\x01 v=1 1', 'control characters in names are refused at the edge too'],
  ['{m} a\x01=1 1', 'control characters in names are refused at the edge too'],
  ['{m} v=1,v=2 1', 'a duplicate field: which value is kept is not said'],
];

describe('scanLine against influxd', () => {
  const influx = useInflux();
  let n = 0;
  const write = async (line: string) => {
    const text = line.replaceAll('{m}', `m${n++}`);
    const body = (await influx().write('scan', text)).status;
    let start = 0;
    while (text.charCodeAt(start) === 32) start++;
    return { line: text, influxd: body === 204, scanner: scanLine(text, start).ok };
  };

  it('passes exactly the lines influxd stores', async () => {
    await influx().createDatabase('scan');
    const differ = [];
    for (const line of SAME) {
      const v = await write(line);
      if (v.scanner !== v.influxd) differ.push(v);
    }
    expect(differ).toEqual([]);
  });

  it('refuses on purpose a few lines influxd would store', async () => {
    const differ = [];
    for (const [line, why] of STRICTER) {
      const v = await write(line!);
      if (!v.influxd || v.scanner) differ.push({ ...v, why });
    }
    expect(differ).toEqual([]);
  });
});
