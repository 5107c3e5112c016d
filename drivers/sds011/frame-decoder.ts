import type { StreamDecoder } from '../driver.js';
import { checksum, DATA, FRAME_LENGTH, HEAD, parseSensorFrame, REPLY, type SensorFrame, TAIL } from './protocol.js';

export interface Sds011Events {
  frame(frame: SensorFrame): void;
  /** reason: "checksum" | "truncated" | "framing" | "garbage"; detail names the byte offset. */
  rejected(reason: string, detail: string): void;
}

/** A run of garbage is reported at this length (about a second of the 9600-baud line) and counted on. */
const GARBAGE_RUN_MAX = 1024;

const hex = (byte: number) => byte.toString(16).padStart(2, '0');

function isValidFrame(bytes: Uint8Array, i: number): boolean {
  return (
    i + FRAME_LENGTH <= bytes.length &&
    bytes[i] === HEAD &&
    (bytes[i + 1] === DATA || bytes[i + 1] === REPLY) &&
    bytes[i + FRAME_LENGTH - 1] === TAIL &&
    bytes[i + 8] === checksum(bytes, i + 2, i + 8)
  );
}

const isStart = (bytes: Uint8Array, i: number) =>
  bytes[i] === HEAD && (i + 1 >= bytes.length || bytes[i + 1] === DATA || bytes[i + 1] === REPLY);

/**
 * Finds SDS011 sensor frames in a byte stream of any chunking. Bytes that are not a valid frame are
 * skipped and reported, one rejection per bad frame or run of garbage, and the search restarts at the
 * next frame head, so a valid frame after garbage or a cut frame is always found.
 */
export class Sds011FrameDecoder implements StreamDecoder {
  private buffer = new Uint8Array(0);
  /** Stream offset of buffer[0], for error details. */
  private offset = 0;
  private garbageStart = -1;
  private garbageLength = 0;

  constructor(private readonly events: Sds011Events) {}

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
      this.flushGarbage();
      this.events.rejected(
        'truncated',
        `${this.buffer.length} bytes of a frame at byte ${this.offset}, then end of input`,
      );
      this.consume(this.buffer.length);
    }
    this.flushGarbage();
  }

  private scan(final: boolean): void {
    const bytes = this.buffer;
    let i = 0;
    while (i < bytes.length) {
      if (!isStart(bytes, i)) {
        this.noteGarbage(i);
        i++;
        continue;
      }
      // Decide only on a whole frame's worth of bytes, so that chunking never changes the result.
      if (bytes.length - i < FRAME_LENGTH) break;
      if (isValidFrame(bytes, i)) {
        this.flushGarbage();
        this.events.frame(parseSensorFrame(bytes.slice(i, i + FRAME_LENGTH)));
        i += FRAME_LENGTH;
        continue;
      }
      // Not a frame. A frame head inside it means it was cut short; prefer that head when it starts a
      // valid frame or when this one does not even end with the tail byte.
      const next = this.nextStart(bytes, i + 1, i + FRAME_LENGTH);
      const tailOk = bytes[i + FRAME_LENGTH - 1] === TAIL;
      if (next >= 0 && next + FRAME_LENGTH > bytes.length && !final) break; // decide once that frame is whole
      const at = `at byte ${this.offset + i}`;
      if (next >= 0 && (!tailOk || isValidFrame(bytes, next))) {
        this.reject('truncated', `${next - i} bytes of a frame ${at}, then a new frame`);
        i = next;
      } else if (tailOk) {
        const want = hex(checksum(bytes, i + 2, i + 8));
        this.reject('checksum', `frame ${at}: checksum ${hex(bytes[i + 8] as number)}, computed ${want}`);
        i += FRAME_LENGTH;
      } else {
        this.reject('framing', `frame ${at} does not end with AB`);
        i += FRAME_LENGTH;
      }
    }
    this.consume(i);
  }

  private reject(reason: string, detail: string): void {
    this.flushGarbage();
    this.events.rejected(reason, detail);
  }

  private nextStart(bytes: Uint8Array, from: number, to: number): number {
    for (let j = from; j < Math.min(to, bytes.length); j++) if (isStart(bytes, j)) return j;
    return -1;
  }

  private noteGarbage(i: number): void {
    if (this.garbageLength === 0) this.garbageStart = this.offset + i;
    // A line that sends only garbage is reported while it does, not when a frame comes at last.
    if (++this.garbageLength >= GARBAGE_RUN_MAX) this.flushGarbage();
  }

  private flushGarbage(): void {
    if (this.garbageLength === 0) return;
    this.events.rejected('garbage', `${this.garbageLength} bytes skipped at byte ${this.garbageStart}`);
    this.garbageLength = 0;
  }

  private consume(n: number): void {
    this.buffer = this.buffer.slice(n);
    this.offset += n;
  }
}
