import { describe, expect, it } from 'vitest';
import { Series } from './series.js';

describe('Series', () => {
  it('keeps the last points up to its capacity, oldest first', () => {
    const s = new Series(40, 1_000_000);
    for (let i = 0; i < 100; i++) s.push(i * 1000, i);
    expect(s.length).toBe(40);
    const [xs, ys] = s.window(100_000);
    expect(ys[0]).toBe(60);
    expect(ys.at(-1)).toBe(99);
    expect(xs.at(-1)).toBe(99);
  });

  it('leaves out points older than its window', () => {
    const s = new Series(100, 10_000);
    for (let i = 0; i < 30; i++) s.push(i * 1000, i);
    const [, ys] = s.window(29_000);
    expect(ys).toEqual([19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29]);
  });
});
