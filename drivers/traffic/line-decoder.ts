import type { StreamDecoder } from '../driver.js';
import { parseRecord, RECORD_START, type VehicleRecord } from './record.js';

/** No per-vehicle line is anywhere near this long: beyond twice this, only the last MAX_LINE characters are kept. */
const MAX_LINE = 256;

export interface LineEvents {
  record(record: VehicleRecord): void;
  /** The module's heartbeat (about every 10 s), with its device time: alive, and no vehicle. */
  heartbeat(timeMs: number): void;
  /** reason: malformed | truncated | garbage | oversized. */
  rejected(reason: string, detail: string): void;
}

const printable = (text: string) => text.replace(/[^\x20-\x7e]/g, '.');

/**
 * Splits the counter's output into lines (CR LF or LF) and parses each. A line that holds a record
 * start after its beginning is a cut record (or garbage) glued to the next record: the front is
 * rejected and the record behind it kept, so a good record is never lost to what came before it.
 */
export class TrafficLineDecoder implements StreamDecoder {
  private line = '';
  /** Characters dropped from the front of the current line (noise without line ends). */
  private dropped = 0;

  constructor(private readonly events: LineEvents) {}

  push(chunk: Uint8Array): void {
    const text = Buffer.from(chunk).toString('latin1');
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) !== 0x0a) continue;
      this.append(text.slice(start, i));
      this.finishLine();
      start = i + 1;
    }
    this.append(text.slice(start));
  }

  end(): void {
    if (this.dropped > 0) this.reportDropped();
    else if (this.line !== '')
      this.events.rejected('truncated', `"${printable(this.line)}" has no line end before the end of input`);
    this.line = '';
  }

  private append(text: string): void {
    this.line += text;
    if (this.line.length > 2 * MAX_LINE) {
      // Keep the tail: a record may yet start in it, glued behind the noise.
      this.dropped += this.line.length - MAX_LINE;
      this.line = this.line.slice(-MAX_LINE);
    }
  }

  private reportDropped(): void {
    this.events.rejected('oversized', `${this.dropped + this.line.length} characters without a line end`);
    this.dropped = 0;
  }

  private finishLine(): void {
    let line = this.line.endsWith('\r') ? this.line.slice(0, -1) : this.line;
    this.line = '';
    const overflowed = this.dropped > 0;
    if (overflowed) this.reportDropped();
    if (line === '') return;
    const starts = [...line.matchAll(RECORD_START)].map((m) => m.index ?? 0);
    const last = starts.at(-1);
    if (overflowed) {
      // The noise is reported as oversized; only a record behind it remains to be read.
      if (last === undefined) return;
      line = line.slice(last);
    } else if (last !== undefined && last > 0) {
      const front = line.slice(0, last);
      this.events.rejected(starts[0] === 0 ? 'truncated' : 'garbage', `"${printable(front)}" before a record`);
      line = line.slice(last);
    } else if (last === undefined && !/^[\w/: -]*,/.test(line)) {
      this.events.rejected('garbage', `"${printable(line)}" is not a record`);
      return;
    }
    const result = parseRecord(line);
    if ('record' in result) this.events.record(result.record);
    else if ('heartbeat' in result) this.events.heartbeat(result.heartbeat);
    else this.events.rejected(result.reason, printable(result.detail));
  }
}
