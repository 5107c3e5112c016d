import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { removeTempDir, tempDir } from '../../tests/harness/index.js';
import type { Reading } from '../../wire/reading.js';
import { ReadingBuffer } from './buffer.js';

const reading = (seq: number, time = 1_700_000_000_000_000_000n + BigInt(seq)): Reading => ({
  measurement: 'm',
  tags: { t: 'x' },
  fields: { seq: BigInt(seq) },
  time,
});

describe('ReadingBuffer', () => {
  it('stores readings on flush, gives them in time order per device, deletes them only on ack', async () => {
    const dir = tempDir();
    const buffer = new ReadingBuffer({ path: join(dir, 'b.db'), maxBytes: 1e9 });
    buffer.add('a', reading(2));
    buffer.add('a', reading(1));
    buffer.add('b', reading(3));
    expect(buffer.next('a', undefined, 10)).toEqual([]);
    expect(buffer.flush().written).toBe(3);
    const rows = buffer.next('a', undefined, 10);
    expect(rows.map((r) => r.line)).toEqual(['m,t=x seq=1i 1700000000000000001', 'm,t=x seq=2i 1700000000000000002']);
    expect(buffer.next('a', rows[0], 10)).toHaveLength(1);
    buffer.ack([rows[0]!.seq]);
    expect(buffer.backlog().rows).toBe(3);
    buffer.flush();
    expect(buffer.backlog().rows).toBe(2);
    buffer.close();
    const reopened = new ReadingBuffer({ path: join(dir, 'b.db'), maxBytes: 1e9 });
    expect(reopened.backlog().rows).toBe(2);
    expect(reopened.devices().sort()).toEqual(['a', 'b']);
    reopened.close();
    removeTempDir(dir);
  });

  it('drops the oldest rows beyond the cap and counts them per device', async () => {
    const dir = tempDir();
    const buffer = new ReadingBuffer({ path: join(dir, 'b.db'), maxBytes: 10_000 });
    for (let i = 0; i < 200; i++) buffer.add(i < 100 ? 'old' : 'new', reading(i));
    const { dropped } = buffer.flush();
    const total = [...dropped.values()].reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(0);
    expect(buffer.backlog().bytes).toBeLessThanOrEqual(10_000);
    expect(buffer.backlog().rows).toBe(200 - total);
    expect(dropped.get('old')).toBeGreaterThan(0);
    expect(buffer.next('new', undefined, 1000).at(-1)?.line).toContain('seq=199i');
    expect(buffer.droppedTotal()).toBe(total);
    buffer.close();
    removeTempDir(dir);
  });

  it('re-stamps held readings of this boot from the monotonic clock and drops those of another boot', async () => {
    const dir = tempDir();
    const buffer = new ReadingBuffer({ path: join(dir, 'b.db'), maxBytes: 1e9 });
    buffer.add('a', reading(1, 5_000_000_000n), { mono: 100_000_000_000n, boot: 'this' });
    buffer.add('a', reading(2, 6_000_000_000n), { mono: 101_000_000_000n, boot: 'this' });
    buffer.add('a', reading(3, 7_000_000_000n), { mono: 50_000_000_000n, boot: 'before' });
    buffer.flush();
    expect(buffer.devices()).toEqual([]);
    const wall = 1_750_000_000_000_000_000n;
    const { released, undatable } = buffer.releaseHeld(wall, 110_000_000_000n, 'this');
    expect(released).toBe(2);
    expect(undatable.get('a')).toBe(1);
    expect(buffer.next('a', undefined, 10).map((r) => r.time)).toEqual([wall - 10_000_000_000n, wall - 9_000_000_000n]);
    buffer.close();
    removeTempDir(dir);
  });

  it('knows without a query which devices have rows beyond a cursor, and forgets devices emptied by acks', async () => {
    const dir = tempDir();
    const buffer = new ReadingBuffer({ path: join(dir, 'b.db'), maxBytes: 1e9 });
    buffer.add('a', reading(1));
    buffer.add('b', reading(2));
    buffer.flush();
    expect(buffer.devices().sort()).toEqual(['a', 'b']);
    const [row] = buffer.next('a', undefined, 10);
    expect(buffer.next('a', row, 10)).toEqual([]);
    buffer.add('a', reading(3));
    buffer.flush();
    expect(buffer.next('a', row, 10).map((r) => r.line)).toEqual(['m,t=x seq=3i 1700000000000000003']);
    for (const r of [...buffer.next('a', undefined, 10), ...buffer.next('b', undefined, 10)]) buffer.ack([r.seq]);
    buffer.flush();
    expect(buffer.backlog()).toEqual({ rows: 0, bytes: 0 });
    expect(buffer.next('a', undefined, 10)).toEqual([]);
    expect(buffer.next('b', undefined, 10)).toEqual([]);
    expect(buffer.devices()).toEqual([]);
    buffer.close();
    removeTempDir(dir);
  });
});
