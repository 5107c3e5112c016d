import type { DecoderDefinition, DeviceSink } from '../driver.js';
import { TeleinfoFrameDecoder } from './frame-decoder.js';
import { TELEINFO_MODES, type TeleinfoMode } from './protocol.js';
import { TeleinfoReadings } from './reading.js';

/** Frame decoder and reading mapping together: bytes in, one `electricity` reading per valid frame out. */
export function createTeleinfoDecoder(
  mode: TeleinfoMode,
  now: () => bigint,
  sink: Pick<DeviceSink, 'reading' | 'rejected'>,
) {
  const readings = new TeleinfoReadings(mode);
  return new TeleinfoFrameDecoder(mode, {
    frame(groups, rejectedGroups) {
      // The frame's time is when its ETX was read.
      const result = readings.fromFrame(groups, rejectedGroups, now());
      for (const { reason, detail } of result.rejections) sink.rejected(reason, detail);
      if (result.reading) sink.reading(result.reading);
    },
    rejected: (reason, detail) => sink.rejected(reason, detail),
  });
}

/** `tidegate decode teleinfo --mode historique|standard` (historique by default, as meters ship). */
export const decoder: DecoderDefinition = {
  modes: TELEINFO_MODES,
  create({ mode, now }, sink) {
    return createTeleinfoDecoder((mode as TeleinfoMode | undefined) ?? 'historique', now, sink);
  },
};
