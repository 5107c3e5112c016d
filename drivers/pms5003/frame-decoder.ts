import type { StreamDecoder } from '../driver.js';
import {
  checkCode,
  DATA_LENGTH,
  FRAME_LENGTH,
  type Pms5003Frame,
  parseDataFrame,
  REPLY_LENGTH,
  START_1,
  START_2,
} from './protocol.js';

export interface Pms5003Events {
  frame(frame: Pms5003Frame): void;
  /** reason: "checksum" | "truncated" | "framing" | "garbage"; detail names the byte offset. */
  rejected(reason: string, detail: string): void;
}

const isStart = (bytes: Uint8Array, i: number) =>
  bytes[i] === START_1 && (i + 1 >= bytes.length || bytes[i + 1] === START_2);

/** Total length of the frame starting at i from its length field: data frame, command reply, or 0 (not one). */
function frameLength(bytes: Uint8Array, i: number): number {
  const length = ((bytes[i + 2] as number) << 8) | (bytes[i + 3] as number);
  if (length === DATA_LENGTH) return FRAME_LENGTH;
  if (length === REPLY_LENGTH - 4) return REPLY_LENGTH;
  return 0;
}

const checked = (bytes: Uint8Array, i: number, total: number) =>
  i + total <= bytes.length &&
  checkCode(bytes, i, i + total - 2) === (((bytes[i + total - 2] as number) << 8) | (bytes[i + total - 1] as number));

/**
 * Finds PMS5003 frames in a byte stream of any chunking. A frame is decided only once all its bytes
 * are there, so chunking never changes the result; bytes that are not a valid frame are reported (one
 * rejection per bad frame or run of garbage) and the search restarts at the next frame start.
 */
export class Pms5003FrameDecoder implements StreamDecoder {
  private buffer = new Uint8Array(0);
  private offset = 0;
  private garbage = { start: 0, length: 0 };

  constructor(private readonly events: Pms5003Events) {}

  push(chunk: Uint8Array): void {
    const joined = new Uint8Array(this.buffer.length + chunk.length);
    joined.set(this.buffer);
    joined.set(chunk, this.buffer.length);
    this.buffer = joined;
    this.scan(false);
  }

  end(): void {
    this.scan(true);
    if (this.buffer.length > 0) {
      this.reject('truncated', `${this.buffer.length} bytes of a frame at byte ${this.offset}, then end of input`);
      this.consume(this.buffer.length);
    }
    this.flushGarbage();
  }

  private scan(final: boolean): void {
    const bytes = this.buffer;
    let i = 0;
    while (i < bytes.length) {
      if (!isStart(bytes, i)) {
        if (this.garbage.length++ === 0) this.garbage.start = this.offset + i;
        i++;
        continue;
      }
      if (bytes.length - i < 4) break;
      const at = `at byte ${this.offset + i}`;
      const total = frameLength(bytes, i);
      if (total === 0) {
        this.reject('framing', `frame ${at}: length field is neither 28 (data) nor 4 (reply)`);
        i += 2;
        continue;
      }
      if (bytes.length - i < total) break;
      if (checked(bytes, i, total)) {
        this.flushGarbage();
        if (total === FRAME_LENGTH) this.events.frame(parseDataFrame(bytes.subarray(i, i + total)));
        i += total;
        continue;
      }
      const next = this.nextStart(bytes, i + 1, i + total);
      if (next >= 0 && next + FRAME_LENGTH > bytes.length && !final) break; // decide once that one is whole
      if (next >= 0 && checked(bytes, next, frameLength(bytes, next) || FRAME_LENGTH)) {
        this.reject('truncated', `${next - i} bytes of a frame ${at}, then a new frame`);
        i = next;
      } else {
        this.reject('checksum', `frame ${at}: check code does not match the sum of its bytes`);
        i += total;
      }
    }
    this.consume(i);
  }

  private nextStart(bytes: Uint8Array, from: number, to: number): number {
    for (let j = from; j < Math.min(to, bytes.length); j++) if (isStart(bytes, j)) return j;
    return -1;
  }

  private reject(reason: string, detail: string): void {
    this.flushGarbage();
    this.events.rejected(reason, detail);
  }

  private flushGarbage(): void {
    if (this.garbage.length === 0) return;
    this.events.rejected('garbage', `${this.garbage.length} bytes skipped at byte ${this.garbage.start}`);
    this.garbage.length = 0;
  }

  private consume(n: number): void {
    this.buffer = this.buffer.slice(n);
    this.offset += n;
  }
}
