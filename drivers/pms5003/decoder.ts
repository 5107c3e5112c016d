import type { DecoderDefinition } from '../driver.js';
import { Pms5003FrameDecoder } from './frame-decoder.js';
import { toReading } from './reading.js';

/** `tidegate decode pms5003`: data frames become readings; replies to commands are skipped. */
export const decoder: DecoderDefinition = {
  create({ now }, sink) {
    return new Pms5003FrameDecoder({
      frame: (frame) => sink.reading(toReading(frame, now())),
      rejected: (reason, detail) => sink.rejected(reason, detail),
    });
  },
};
