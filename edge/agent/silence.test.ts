import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DeviceSink, DeviceState } from '../../drivers/driver.js';
import { formatSilence, watchSilence } from './silence.js';

/** The agent's side of the sink: the state it keeps, and every state call it got. */
function agentSink() {
  const calls: [DeviceState, string | undefined][] = [];
  let state: DeviceState = 'starting';
  const sink: DeviceSink = {
    reading: () => {
      if (state !== 'up') sink.state('up');
    },
    rejected: () => {},
    state(next, reason) {
      state = next;
      calls.push([next, reason]);
    },
  };
  return { sink, calls, state: () => state };
}

const reading = { measurement: 'm', tags: {}, fields: { v: 1 }, time: 1n };

describe('watchSilence', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(Date.parse('2026-12-01T10:00:00Z'));
  });
  afterEach(() => vi.useRealTimers());

  it('is down after the silence period, up at the next reading, and kept up by alive()', () => {
    const agent = agentSink();
    const watch = watchSilence(agent.sink, 10_000, agent.state);
    vi.advanceTimersByTime(9_999);
    expect(agent.calls).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(agent.calls).toEqual([['down', 'silent for 10 s, since opening']]);

    watch.sink.reading(reading);
    expect(agent.state()).toBe('up');
    for (let i = 0; i < 5; i++) {
      vi.advanceTimersByTime(8_000);
      watch.sink.alive!(); // a heartbeat, no reading
    }
    expect(agent.state()).toBe('up');
    for (let i = 0; i < 3; i++) watch.sink.rejected('garbage', 'x');
    vi.advanceTimersByTime(10_000);
    expect(agent.calls.at(-1)).toEqual(['down', 'no good frame for 10 s (3 rejected), since 2026-12-01T10:00:50.000Z']);
    watch.sink.alive!();
    expect(agent.calls.at(-1)).toEqual(['up', undefined]);
    watch.stop();
  });

  it("leaves a driver's own down standing (port gone) until the driver says up", () => {
    const agent = agentSink();
    const watch = watchSilence(agent.sink, 10_000, agent.state);
    watch.sink.state('down', 'port unplugged');
    vi.advanceTimersByTime(60_000);
    expect(agent.calls).toEqual([['down', 'port unplugged']]);
    watch.sink.state('up');
    vi.advanceTimersByTime(10_000);
    expect(agent.calls.at(-1)?.[0]).toBe('down');
    watch.stop();
  });

  it('formats the period as a person reads it', () => {
    expect([formatSilence(800), formatSilence(10_000), formatSilence(45_500), formatSilence(300_000)]).toEqual([
      '800 ms',
      '10 s',
      '45.5 s',
      '5 min',
    ]);
  });
});
