import type { DeviceSink, DeviceState } from '../../drivers/driver.js';
import { isoTime } from '../../wire/iso-time.js';

export interface SilenceWatch {
  /** The sink to hand the driver: readings and `alive()` count as signs of life. */
  sink: DeviceSink;
  stop(): void;
}

/** "2 min", "45 s", "800 ms": a silence period as a person reads it. */
export function formatSilence(ms: number): string {
  if (ms >= 120_000 && ms % 60_000 === 0) return `${ms / 60_000} min`;
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}

/**
 * A push device that says nothing good for `silenceMs` is down (its frames stopped: sensor unplugged
 * from the adapter, cable cut, device hung, or only garbage comes), with the reason; the next reading or
 * sign of life brings it up.
 * A down reported by the driver itself (port gone) stands until the driver says up again.
 */
export function watchSilence(sink: DeviceSink, silenceMs: number, state: () => DeviceState): SilenceWatch {
  let heardAt: number | undefined;
  let rejectedSince = 0;
  const silent = () => {
    const span = formatSilence(silenceMs);
    const what = rejectedSince > 0 ? `no good frame for ${span} (${rejectedSince} rejected)` : `silent for ${span}`;
    const since = heardAt === undefined ? 'since opening' : `since ${isoTime(heardAt)}`;
    sink.state('down', `${what}, ${since}`);
  };
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    if (timer) timer.refresh();
    else timer = setTimeout(silent, silenceMs);
  };
  const disarm = () => {
    clearTimeout(timer);
    timer = undefined;
  };
  const heard = () => {
    heardAt = Date.now();
    rejectedSince = 0;
    arm();
  };
  const watched: DeviceSink = {
    reading(reading) {
      heard();
      sink.reading(reading);
    },
    rejected(reason, detail) {
      rejectedSince++;
      sink.rejected(reason, detail);
    },
    state(next, reason) {
      if (next === 'down') disarm();
      else arm();
      sink.state(next, reason);
    },
    alive() {
      heard();
      if (state() === 'down') sink.state('up');
      sink.alive?.();
    },
  };
  arm();
  return { sink: watched, stop: disarm };
}
