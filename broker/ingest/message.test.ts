import { describe, expect, it } from 'vitest';
import { decodeLines, Topics } from '../../wire/index.js';
import { decodeDataMessage } from './message.js';

const topics = new Topics();
const decode = (topic: string, text: string | Uint8Array) =>
  decodeDataMessage(topics, topic, typeof text === 'string' ? Buffer.from(text) : text);

describe('decodeDataMessage', () => {
  it('adds gateway and device from the topic and keeps the line otherwise as written', () => {
    const d = decode(
      'tidegate/gw-1/data/pm-1',
      'air_quality,sensor=sds011 pm2_5_ugm3=4.5,n=3i 1700000000000000000\r\n',
    );
    expect(d).toEqual({
      lines: 'air_quality,sensor=sds011,device=pm-1,gateway=gw-1 pm2_5_ugm3=4.5,n=3i 1700000000000000000',
      points: 1,
      uncatalogued: ['field "n" of air_quality is not in the catalogue (wire/catalogue)'],
    });
  });

  it('writes fields outside the measurement catalogue but names them (no rollup, possible type conflict)', () => {
    const d = decode(
      'tidegate/gw-1/data/pm-1',
      'air_quality pm2_5_ugm3=4i,pm1_ugm3=2 1\nelectricity energy_hchc_wh=5 1',
    );
    expect(d.points).toBe(2);
    expect(d.uncatalogued).toEqual(['field "pm2_5_ugm3" of air_quality is float in the catalogue, not integer']);
  });

  it('replaces gateway and device tags a payload brings (a gateway cannot write as another)', () => {
    const d = decode('tidegate/gw-1/data/pm-1', 'air_quality,gateway=gw-2,device=x v=1 1');
    const [r] = decodeLines(d.lines).readings;
    expect(r?.tags).toEqual({ gateway: 'gw-1', device: 'pm-1' });
  });

  it('keeps the good lines of a message and names the bad ones by line', () => {
    const d = decode('tidegate/gw-1/data/pm-1', 'm v=1 1\nbroken\n# comment\nm v=2 2\nm v= 3');
    expect(d.points).toBe(2);
    expect(d.rejection?.errors.map((e) => e.line)).toEqual([2, 5]);
  });

  it('keeps escaped spaces and quoted newlines intact', () => {
    const d = decode('tidegate/gw-1/data/pm-1', 'my\\ m,site=a\\ b s="x\ny" 5');
    const [r] = decodeLines(d.lines).readings;
    expect(r).toMatchObject({
      measurement: 'my m',
      tags: { site: 'a b', gateway: 'gw-1', device: 'pm-1' },
      fields: { s: 'x\ny' },
    });
  });

  it('rejects non-data topics, non-UTF-8 payloads, empty messages and lines without a timestamp', () => {
    expect(decode('tidegate/gw-1/status', 'm v=1 1').rejection?.reason).toMatch(/not a data topic/);
    expect(decode('tidegate/gw-1/data/pm-1', new Uint8Array([0xff, 0xfe])).rejection?.reason).toMatch(/UTF-8/);
    expect(decode('tidegate/gw-1/data/pm-1', '').rejection?.reason).toMatch(/no line/);
    expect(decode('tidegate/gw-1/data/pm-1', 'm v=1').points).toBe(0);
  });
});
