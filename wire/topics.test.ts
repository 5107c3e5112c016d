import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { idProblem, Topics } from './topics.js';

describe('topics', () => {
  const topics = new Topics();

  it('builds the topics of the wire contract', () => {
    expect(topics.data('gw-port-01', 'meter-1')).toBe('tidegate/gw-port-01/data/meter-1');
    expect(topics.status('gw-port-01')).toBe('tidegate/gw-port-01/status');
    expect(topics.events('gw-port-01')).toBe('tidegate/gw-port-01/events');
    expect(topics.command('gw-port-01')).toBe('tidegate/gw-port-01/command');
    expect(new Topics('city/lr').allData()).toBe('city/lr/+/data/+');
  });

  it('parses them back, and nothing else', () => {
    expect(topics.parse('tidegate/gw-1/data/pm-1')).toEqual({ gateway: 'gw-1', kind: 'data', device: 'pm-1' });
    expect(topics.parse('tidegate/gw-1/status')).toEqual({ gateway: 'gw-1', kind: 'status' });
    for (const bad of [
      'tidegate/gw-1/data',
      'tidegate/gw 1/status',
      'other/gw-1/status',
      'tidegate//status',
      'tidegate/gw-1/data/a/b',
      'tidegate/+/status',
    ]) {
      expect(topics.parse(bad), bad).toBeUndefined();
    }
  });

  it('refuses ids that could escape their topic level or break a tag', () => {
    for (const bad of ['', 'a/b', '+', '#', 'a b', 'é', '-lead', 'x'.repeat(65), 'a,b', 'a=b', 'a\\b']) {
      expect(idProblem(bad), JSON.stringify(bad)).toBeDefined();
      expect(() => topics.data(bad, 'd')).toThrow();
    }
    expect(() => new Topics('a/+/b')).toThrow();
  });

  it('every valid id round-trips through a data topic', () => {
    const id = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/);
    fc.assert(
      fc.property(id, id, (gw, dev) => {
        expect(topics.parse(topics.data(gw, dev))).toEqual({ gateway: gw, kind: 'data', device: dev });
      }),
    );
  });
});
