import type { DecoderDefinition, DeviceSink } from '../driver.js';
import { type AggregatorSettings, TrafficAggregator } from './aggregator.js';
import { TrafficLineDecoder } from './line-decoder.js';

export interface TrafficDecoderSettings extends AggregatorSettings {
  /** When set, vehicles are dated by this clock (ms) on reception instead of their own time. */
  receptionClockMs?: () => number;
}

/** Lines → vehicles → per-period `traffic` readings. `end()` sends the open periods. */
export function createTrafficDecoder(
  settings: TrafficDecoderSettings,
  sink: Pick<DeviceSink, 'reading' | 'rejected' | 'alive'>,
) {
  const aggregator = new TrafficAggregator(settings, (reading) => sink.reading(reading));
  const lines = new TrafficLineDecoder({
    record(record) {
      const vehicle = settings.receptionClockMs ? { ...record, timeMs: settings.receptionClockMs() } : record;
      const refused = aggregator.add(vehicle);
      if (refused) sink.rejected('late', refused);
    },
    heartbeat(timeMs) {
      // No vehicle, but the counter is alive, and its clock says which periods are over.
      aggregator.flushBefore(settings.receptionClockMs ? settings.receptionClockMs() : timeMs);
      sink.alive?.(); // against the driver's silenceMs: a quiet road is not a dead counter
    },
    rejected: (reason, detail) => sink.rejected(reason, detail),
  });
  return {
    push: (chunk: Uint8Array) => lines.push(chunk),
    end() {
      lines.end();
      aggregator.flushAll();
    },
    /**
     * The device closes: a period not yet over is not sent (a partial count sent now would be
     * overwritten by the next one of the same period, tags and time); its vehicles are counted lost.
     */
    close() {
      lines.end();
      for (const { startMs, vehicles } of aggregator.discardOpen())
        sink.rejected(
          'unfinished',
          `${vehicles} vehicles of the period from ${new Date(startMs).toISOString()} not sent: closed before it ended`,
        );
    },
    /** Rejects a line cut by an unplug, keeping the open periods. */
    flushLine: () => lines.end(),
    /** Sends the periods that ended before `timeMs` (the live driver's timer). */
    flushBefore: (timeMs: number) => aggregator.flushBefore(timeMs),
  };
}

/**
 * `tidegate decode traffic [--mode mph-ft|kmh-m]`: a capture of per-vehicle lines → 6-minute
 * aggregates dated by the counter's own clock. The mode names the units the counter printed.
 */
export const decoder: DecoderDefinition = {
  modes: ['mph-ft', 'kmh-m'],
  create({ mode }, sink) {
    const metric = mode === 'kmh-m';
    return createTrafficDecoder(
      { periodS: 360, speedUnit: metric ? 'kmh' : 'mph', lengthUnit: metric ? 'm' : 'ft' },
      sink,
    );
  },
};
