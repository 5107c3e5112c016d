import { describe, expect, it } from 'vitest';
import { Topics } from '../../../wire/index.js';
import { readFeedMessage } from '../feed/message.js';
import { formatFeedMessage, PLAIN } from './format.js';

const topics = new Topics();
const at = Date.parse('2026-11-28T10:00:00Z');

describe('formatFeedMessage', () => {
  it('writes one line per reading, with units', () => {
    const msg = readFeedMessage(topics, 'tidegate/gw-1/data/road', 'traffic,lane=1 count=12i,mean_speed_kmh=41.5 1');
    const { lines, problem } = formatFeedMessage(msg, at, PLAIN);
    expect(problem).toBeUndefined();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/ {2}gw-1\/road {2}traffic \[lane=1\] {2}count=12 {2}mean_speed_kmh=41\.5 km\/h$/);
  });

  it('writes statuses and events, and hands back what it cannot read as a problem', () => {
    const offline = readFeedMessage(topics, 'tidegate/gw-1/status', '{"state":"offline","gateway":"gw-1","time":"x"}');
    expect(formatFeedMessage(offline, at, PLAIN).lines[0]).toMatch(/gw-1 {2}OFFLINE$/);
    const down = readFeedMessage(
      topics,
      'tidegate/gw-1/events',
      '{"type":"device_down","gateway":"gw-1","device":"pm-1","reason":"no answer","time":"x"}',
    );
    expect(formatFeedMessage(down, at, PLAIN).lines[0]).toMatch(/gw-1 {2}event device_down pm-1: no answer$/);
    const bad = readFeedMessage(topics, 'tidegate/gw-1/status', 'nope');
    expect(formatFeedMessage(bad, at, PLAIN)).toEqual({
      lines: [],
      problem: expect.stringMatching(/^unreadable message on tidegate\/gw-1\/status: status: not JSON/),
    });
  });
});
