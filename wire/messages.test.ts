import { describe, expect, it } from 'vitest';
import { parseEvent, parseStatus } from './messages.js';

describe('status and event messages', () => {
  it('accepts a full status', () => {
    const status = {
      state: 'online',
      gateway: 'gw-1',
      version: '0.1.0',
      time: '2026-11-28T12:00:00.000Z',
      backlog: 12,
      clockSynced: true,
      devices: { 'pm-1': { state: 'up', driver: 'sds011', lastReadingAt: null, readings: 3, rejected: 1 } },
    };
    expect(parseStatus(JSON.stringify(status))).toEqual({ ok: true, value: status });
  });

  it('names the key that is wrong', () => {
    expect(parseStatus('{"state":"maybe","gateway":"g","time":"t"}')).toMatchObject({ ok: false, error: /^state:/ });
    expect(parseEvent('{"type":"device_down","gateway":"g"}')).toMatchObject({ ok: false, error: /^time:/ });
    expect(parseEvent('not json')).toMatchObject({ ok: false, error: /^not JSON/ });
    expect(parseEvent(Buffer.from('{"type":"buffer_dropped","gateway":"g","time":"t","count":5}'))).toMatchObject({
      ok: true,
    });
  });
});
