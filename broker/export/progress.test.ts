import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress } from './progress.js';

const HOUR = 3_600_000_000_000n;

function fakeStream(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  const pass = new PassThrough();
  let text = '';
  pass.on('data', (c: Buffer) => {
    text += c.toString();
  });
  return { stream: Object.assign(pass, { isTTY, columns: 100 }) as unknown as NodeJS.WriteStream, text: () => text };
}

describe('export progress bar', () => {
  it('draws the share of the range and the rows on a terminal, and ends the line', async () => {
    const { stream, text } = fakeStream(true);
    const progress = createProgress(0n, 4n * HOUR, stream);
    progress.update(HOUR, 1000);
    progress.finish(4000);
    await new Promise((r) => setImmediate(r));
    expect(text()).toMatch(/^\r\[#+ +\] {2}25% 1970-01-01 01:00 · 1,000 rows/);
    expect(text()).toContain('100% 1970-01-01 04:00 · 4,000 rows');
    expect(text().endsWith('\n')).toBe(true);
  });

  it('writes nothing when stderr is a pipe or a file', async () => {
    const { stream, text } = fakeStream(false);
    const progress = createProgress(0n, HOUR, stream);
    progress.update(HOUR / 2n, 10);
    progress.finish(20);
    await new Promise((r) => setImmediate(r));
    expect(text()).toBe('');
  });
});
