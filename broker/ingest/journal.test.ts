import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../tests/harness/index.js';
import { Journal } from './journal.js';

const message = (n: number) => ({ lines: `m v=${n} ${n}`, points: 1 });
const takeAll = (journal: Journal, maxPoints: number) => {
  const texts: string[] = [];
  for (let b = journal.take(maxPoints); b; b = journal.take(maxPoints)) {
    texts.push(b.text);
    journal.remove(b);
  }
  return texts.join('\n').split('\n');
};

describe('the spill queue (Journal)', () => {
  it('gives every row once, in order, whether kept in memory or read from an earlier run', () => {
    const path = join(tempDir('tidegate-journal-'), 'queue.db');
    const before = new Journal(path);
    before.appendMany([1, 2, 3, 4, 5].map(message));
    const first = before.take(2)!;
    expect(first.text).toBe('m v=1 1\nm v=2 2');
    before.close(); // killed before InfluxDB answered: the batch is still in the file
    const after = new Journal(path);
    expect(after.points).toBe(5);
    after.appendMany([6, 7].map(message));
    after.append('m v=8 8', 1);
    expect(takeAll(after, 3)).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((n) => message(n).lines));
    expect(after.points).toBe(0);
    after.close();
    expect(new Journal(path).points).toBe(0);
  });

  it('takes no more points than asked, unless one row holds more', () => {
    const journal = new Journal(join(tempDir('tidegate-journal-'), 'queue.db'));
    journal.appendMany([
      { lines: 'm v=1 1\nm v=2 2', points: 2 },
      { lines: 'm v=3 3\nm v=4 4\nm v=5 5\nm v=6 6', points: 4 },
      { lines: 'm v=7 7', points: 1 },
    ]);
    expect(journal.take(3)?.points).toBe(2);
    expect(journal.take(3)?.points).toBe(4);
    expect(journal.take(3)?.points).toBe(1);
    expect(journal.take(3)).toBeUndefined();
    journal.close();
  });
});
