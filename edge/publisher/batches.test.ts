import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../wire/backoff.js';
import type { BufferedLine } from '../buffer/buffer.js';
import { toMessages } from './batches.js';

const row = (seq: number, bytes = 99): BufferedLine => ({
  seq,
  device: 'd',
  time: BigInt(seq),
  line: 'x'.repeat(bytes),
});

describe('toMessages', () => {
  it('sends a live trickle one reading per message', () => {
    expect(toMessages([row(1), row(2)], 1000, 5)).toEqual([[row(1)], [row(2)]]);
  });

  it('packs a backlog into messages of at most maxBytes, in order', () => {
    const rows = Array.from({ length: 25 }, (_, i) => row(i));
    const messages = toMessages(rows, 1000, 5);
    expect(messages.flat()).toEqual(rows);
    for (const m of messages) expect(m.map((r) => r.line).join('\n').length).toBeLessThanOrEqual(1000);
    expect(messages.map((m) => m.length)).toEqual([10, 10, 5]);
  });

  it('gives a line longer than maxBytes a message of its own', () => {
    const messages = toMessages([row(1), row(2, 5000), row(3), row(4), row(5), row(6)], 1000, 5);
    expect(messages.map((m) => m.map((r) => r.seq))).toEqual([[1], [2], [3, 4, 5, 6]]);
  });
});

describe('backoffDelay', () => {
  it('doubles up to the maximum, drawn between half and all of it', () => {
    expect([0, 1, 2, 3, 10].map((a) => backoffDelay(a, 1000, 60_000, () => 1))).toEqual([
      1000, 2000, 4000, 8000, 60_000,
    ]);
    expect(backoffDelay(3, 1000, 60_000, () => 0)).toBe(4000);
  });
});
