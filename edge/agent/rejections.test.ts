import { describe, expect, it } from 'vitest';
import { RejectionAggregator } from './rejections.js';

describe('RejectionAggregator', () => {
  it('reports the first rejection at once, then at most one event per period with the count', () => {
    let now = 0;
    const agg = new RejectionAggregator(60_000, () => now);
    expect(agg.add('pm-1', 'garbage: 1')).toEqual({ device: 'pm-1', count: 1, reason: 'garbage: 1' });
    for (let i = 2; i <= 500; i++) expect(agg.add('pm-1', `garbage: ${i}`)).toBeUndefined();
    expect(agg.add('tic-1', 'checksum')).toMatchObject({ device: 'tic-1', count: 1 }); // per device
    now = 60_000;
    expect(agg.drain()).toEqual([{ device: 'pm-1', count: 499, reason: 'garbage: 500' }]);
    now = 90_000;
    expect(agg.add('pm-1', 'garbage')).toBeUndefined(); // reported 30 s ago: waits for the next drain
    now = 200_000;
    expect(agg.drain()).toEqual([{ device: 'pm-1', count: 1, reason: 'garbage' }]);
    now = 400_000;
    expect(agg.add('pm-1', 'truncated')).toEqual({ device: 'pm-1', count: 1, reason: 'truncated' }); // quiet since
  });
});
