import { encodeReadRequest, type ReadRequest } from '../protocol/pdu.js';
import { encodeRtuFrame, scanForReply } from '../protocol/rtu-frame.js';
import { type ByteLink, NoAnswer, newCounters, type Transport } from './transport.js';

interface Pending {
  unit: number;
  request: ReadRequest;
  resolve: (pdu: Buffer) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * Modbus RTU over a byte link (a serial line, or a TCP socket to a transparent converter). Bytes that
 * arrive while no request is pending are dropped; the receive buffer is emptied before each request;
 * a reply is taken only when it has our unit, function, byte count and a good CRC. After a timeout the
 * line is left quiet for `settleMs` so that a late reply falls in the gap instead of into the next
 * request's buffer. (RTU carries no transaction id: a late reply of exactly the shape the next request
 * expects, from the same unit, can only be excluded by that quiet time.)
 */
export class RtuTransport implements Transport {
  readonly counters = newCounters();
  private buffer: Buffer = Buffer.alloc(0);
  private pending: Pending | undefined;
  private quietUntil = 0;

  constructor(
    private readonly link: ByteLink,
    private readonly settleMs = 50,
  ) {
    link.onData((chunk) => this.receive(chunk));
  }

  get name(): string {
    return this.link.name;
  }

  async exchange(unit: number, request: ReadRequest, timeoutMs: number): Promise<Buffer> {
    const wait = this.quietUntil - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    this.drop(this.buffer.length);
    const frame = encodeRtuFrame(unit, encodeReadRequest(request));
    return new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = undefined;
        this.counters.timeouts++;
        this.quietUntil = Date.now() + this.settleMs;
        reject(new NoAnswer(`no reply from unit ${unit} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending = { unit, request, resolve, reject, timer };
      this.counters.sent++;
      this.link.write(frame).catch((error: Error) => {
        clearTimeout(timer);
        this.pending = undefined;
        reject(new NoAnswer(error.message));
      });
    });
  }

  async close(): Promise<void> {
    const pending = this.pending;
    if (pending) {
      clearTimeout(pending.timer);
      this.pending = undefined;
      pending.reject(new NoAnswer(`${this.name} closed`));
    }
    await this.link.close();
  }

  private receive(chunk: Buffer): void {
    const pending = this.pending;
    if (!pending) {
      this.counters.discards++;
      this.counters.discardedBytes += chunk.length;
      return;
    }
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const scan = scanForReply(this.buffer, pending.unit, pending.request);
    if (scan.kind === 'partial') {
      this.drop(scan.keepFrom);
      return;
    }
    this.drop(scan.skipped);
    this.buffer = this.buffer.subarray(scan.end - scan.skipped);
    clearTimeout(pending.timer);
    this.pending = undefined;
    this.counters.replies++;
    pending.resolve(scan.pdu);
  }

  private drop(bytes: number): void {
    if (bytes <= 0) return;
    this.counters.discards++;
    this.counters.discardedBytes += bytes;
    this.buffer = this.buffer.subarray(bytes);
  }
}
