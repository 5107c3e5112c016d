import type { StreamDecoder } from '../driver.js';
import { type Group, parseGroup } from './group.js';
import { CR, EOT, ETX, LF, STX, type TeleinfoMode } from './protocol.js';

/** A frame longer than this is not teleinfo (a standard frame is about 1 kB). */
const MAX_FRAME = 4096;
/** A run of bytes outside frames is reported at this length and counted on. */
const GARBAGE_RUN_MAX = 1024;

export interface TeleinfoEvents {
  /** A whole frame (STX…ETX): its valid groups, and how many of its groups were rejected. */
  frame(groups: Group[], rejectedGroups: number): void;
  /** reason: checksum | malformed | unknown-label | truncated | interrupted | oversized | garbage. */
  rejected(reason: string, detail: string): void;
}

/**
 * Finds teleinfo frames in a byte stream of any chunking and checks each group. A bad group is
 * rejected and the rest of its frame kept; a frame cut short (a new STX before its ETX, or the end of
 * input), interrupted (EOT) or oversized is rejected whole; bytes outside frames are one rejection per
 * run. Decoding restarts at every STX, so a good frame is always found whatever came before it.
 */
export class TeleinfoFrameDecoder implements StreamDecoder {
  private frame: number[] | undefined;
  private frameStart = 0;
  private offset = 0;
  private garbage = 0;
  private garbageStart = 0;

  constructor(
    private readonly mode: TeleinfoMode,
    private readonly events: TeleinfoEvents,
  ) {}

  push(chunk: Uint8Array): void {
    for (const byte of chunk) {
      this.byte(byte);
      this.offset++;
    }
  }

  end(): void {
    this.flushGarbage();
    if (this.frame) this.reject('truncated', `frame at byte ${this.frameStart} has no ETX before the end of input`);
    this.frame = undefined;
  }

  private byte(byte: number): void {
    if (byte === STX) {
      this.flushGarbage();
      if (this.frame)
        this.reject('truncated', `frame at byte ${this.frameStart} cut by a new STX at byte ${this.offset}`);
      this.frame = [];
      this.frameStart = this.offset;
      return;
    }
    if (!this.frame) {
      if (this.garbage++ === 0) this.garbageStart = this.offset;
      // A line that sends only garbage is reported while it does, not when a frame comes at last.
      if (this.garbage >= GARBAGE_RUN_MAX) this.flushGarbage();
      return;
    }
    if (byte === ETX) {
      const content = this.frame;
      this.frame = undefined;
      this.finishFrame(Uint8Array.from(content));
    } else if (byte === EOT) {
      this.frame = undefined;
      this.reject('interrupted', `frame at byte ${this.frameStart} interrupted by the meter (EOT)`);
    } else if (this.frame.length >= MAX_FRAME) {
      this.frame = undefined;
      this.reject('oversized', `frame at byte ${this.frameStart} longer than ${MAX_FRAME} bytes without ETX`);
    } else this.frame.push(byte);
  }

  private finishFrame(content: Uint8Array): void {
    const groups: Group[] = [];
    let rejectedGroups = 0;
    let i = 0;
    const at = (k: number) => `byte ${this.frameStart + 1 + k}`;
    while (i < content.length) {
      if (content[i] !== LF) {
        const next = content.indexOf(LF, i);
        const stop = next < 0 ? content.length : next;
        this.reject('malformed', `${stop - i} bytes outside any group at ${at(i)}`);
        rejectedGroups++;
        i = stop;
        continue;
      }
      const cr = content.indexOf(CR, i + 1);
      const nextLf = content.indexOf(LF, i + 1);
      if (cr < 0 || (nextLf >= 0 && nextLf < cr)) {
        const stop = nextLf < 0 ? content.length : nextLf;
        this.reject('truncated', `group at ${at(i)} has no CR`);
        rejectedGroups++;
        i = stop;
        continue;
      }
      const result = parseGroup(this.mode, content.subarray(i + 1, cr));
      if ('group' in result) groups.push(result.group);
      else {
        this.reject(result.reason, `${result.detail} (at ${at(i)})`);
        rejectedGroups++;
      }
      i = cr + 1;
    }
    this.events.frame(groups, rejectedGroups);
  }

  private reject(reason: string, detail: string): void {
    this.events.rejected(reason, detail);
  }

  private flushGarbage(): void {
    if (this.garbage === 0) return;
    this.reject('garbage', `${this.garbage} bytes outside frames at byte ${this.garbageStart}`);
    this.garbage = 0;
  }
}
