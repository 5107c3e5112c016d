import { describe, expect, it } from 'vitest';
import { idProblem } from '../../wire/index.js';
import { decide, filtersOverlap, filterWithin, publishTopicProblem } from './acl.js';

const gw = { user: 'gw-1', role: 'gateway' as const };
const P = 'tidegate';

describe('filterWithin', () => {
  it.each([
    ['a/b', 'a/+', true],
    ['a/+', 'a/+', true],
    ['a/#', 'a/+', false],
    ['a', 'a/#', true],
    ['a/b/c', 'a/#', true],
    ['+/b', 'a/+', false],
    ['$SYS/x', '#', false],
    ['$SYS/x', '$SYS/#', true],
  ])('%s within %s is %s', (f, p, expected) => expect(filterWithin(f, p)).toBe(expected));
});

describe('filtersOverlap', () => {
  it.each([
    ['#', 'a/b', true],
    ['a/+', 'a/b/c', false],
    ['+/b', 'a/+', true],
    ['a/c', 'a/b', false],
  ])('%s overlaps %s is %s', (a, b, expected) => expect(filtersOverlap(a, b)).toBe(expected));
});

describe('decide', () => {
  it('lets a gateway publish only under its own id and read only its own command topic', () => {
    expect(decide(gw, 'publish', 'tidegate/gw-1/data/pm-1', [], P).allowed).toBe(true);
    expect(decide(gw, 'publish', 'tidegate/gw-2/data/pm-1', [], P).allowed).toBe(false);
    expect(decide(gw, 'publish', 'tidegate/gw-1/command', [], P).allowed).toBe(false);
    expect(decide(gw, 'subscribe', 'tidegate/gw-1/command', [], P).allowed).toBe(true);
    expect(decide(gw, 'subscribe', 'tidegate/gw-2/command', [], P).allowed).toBe(false);
    expect(decide(gw, 'subscribe', 'tidegate/+/command', [], P).allowed).toBe(false);
  });
  it('lets an operator read everything and publish nothing', () => {
    const op = { user: 'ops', role: 'operator' as const };
    expect(decide(op, 'subscribe', '#', [], P).allowed).toBe(true);
    expect(decide(op, 'publish', 'tidegate/gw-1/command', [], P).allowed).toBe(false);
  });
  it('applies per-user deny before allow before the role', () => {
    const op = { user: 'ops', role: 'operator' as const };
    const rules = [
      { user: 'ops', action: 'subscribe' as const, topic: 'tidegate/gw-9/#', allow: false },
      { user: 'ops', action: 'publish' as const, topic: 'tidegate/+/command', allow: true },
    ];
    expect(decide(op, 'subscribe', '#', rules, P).allowed).toBe(false);
    expect(decide(op, 'subscribe', 'tidegate/gw-1/status', rules, P).allowed).toBe(true);
    expect(decide(op, 'publish', 'tidegate/gw-1/command', rules, P).allowed).toBe(true);
  });
});

describe('publishTopicProblem', () => {
  it('refuses empty levels and bad ids under the prefix', () => {
    expect(publishTopicProblem('tidegate//data/x', P, idProblem)).toMatch(/empty/);
    expect(publishTopicProblem('tidegate/gw 1/status', P, idProblem)).toMatch(/may hold only/);
    expect(publishTopicProblem('tidegate/gw-1/data/pm-1', P, idProblem)).toBeUndefined();
  });
});
