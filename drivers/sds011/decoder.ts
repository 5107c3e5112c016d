import type { DecoderDefinition } from '../driver.js';
import { Sds011FrameDecoder } from './frame-decoder.js';
import { toReading } from './reading.js';

/** `tidegate decode sds011`: data frames become readings; replies to commands are skipped silently. */
export const decoder: DecoderDefinition = {
  create({ now }, sink) {
    return new Sds011FrameDecoder({
      frame(frame) {
        if (frame.kind === 'data') sink.reading(toReading(frame, now()));
      },
      rejected: (reason, detail) => sink.rejected(reason, detail),
    });
  },
};
