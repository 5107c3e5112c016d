import { Socket } from 'node:net';
import { answers, encodeReadRequest, type ReadRequest } from '../protocol/pdu.js';
import { encodeTcpFrame, splitTcpFrames } from '../protocol/tcp-frame.js';
import { NoAnswer, newCounters, type Transport } from './transport.js';

interface Pending {
  transactionId: number;
  unit: number;
  request: ReadRequest;
  resolve: (pdu: Buffer) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * Modbus TCP: one connection, opened on the first request and again after it drops. Each reply must
 * carry the transaction id, unit and shape of the pending request; any other frame is discarded.
 */
export class TcpTransport implements Transport {
  readonly counters = newCounters();
  readonly name: string;
  private socket: Socket | undefined;
  private connecting: Promise<Socket> | undefined;
  private buffer: Buffer = Buffer.alloc(0);
  private pending: Pending | undefined;
  private nextTransactionId = 1;
  private closed = false;

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {
    this.name = `tcp://${host}:${port}`;
  }

  async exchange(unit: number, request: ReadRequest, timeoutMs: number): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs;
    const socket = await this.connect(timeoutMs);
    const transactionId = this.nextTransactionId;
    this.nextTransactionId = (this.nextTransactionId + 1) & 0xffff;
    return new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(
        () => {
          this.pending = undefined;
          this.counters.timeouts++;
          reject(new NoAnswer(`no reply from unit ${unit} at ${this.name} within ${timeoutMs} ms`));
        },
        Math.max(1, deadline - Date.now()),
      );
      this.pending = { transactionId, unit, request, resolve, reject, timer };
      this.counters.sent++;
      socket.write(encodeTcpFrame(transactionId, unit, encodeReadRequest(request)));
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.fail(`${this.name} closed`);
    this.socket?.destroy();
    this.socket = undefined;
  }

  private connect(timeoutMs: number): Promise<Socket> {
    if (this.closed) return Promise.reject(new NoAnswer(`${this.name} closed`));
    if (this.socket) return Promise.resolve(this.socket);
    this.connecting ??= new Promise<Socket>((resolve, reject) => {
      const socket = new Socket();
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new NoAnswer(`connecting to ${this.name}: no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(new NoAnswer(`connecting to ${this.name}: ${error.message}`));
      });
      socket.connect(this.port, this.host, () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        socket.setNoDelay(true);
        socket.on('error', () => {}); // followed by 'close'
        socket.on('data', (chunk: Buffer) => this.receive(chunk));
        socket.on('close', () => {
          if (this.socket === socket) this.socket = undefined;
          this.buffer = Buffer.alloc(0);
          this.fail(`${this.name}: connection closed`);
        });
        this.socket = socket;
        resolve(socket);
      });
    }).finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private receive(chunk: Buffer): void {
    const { frames, rest, corrupt } = splitTcpFrames(Buffer.concat([this.buffer, chunk]));
    this.buffer = rest;
    for (const frame of frames) {
      const pending = this.pending;
      if (
        pending &&
        frame.transactionId === pending.transactionId &&
        frame.unit === pending.unit &&
        answers(pending.request, frame.pdu)
      ) {
        clearTimeout(pending.timer);
        this.pending = undefined;
        this.counters.replies++;
        pending.resolve(frame.pdu);
      } else {
        this.counters.discards++;
        this.counters.discardedBytes += frame.pdu.length + 7;
      }
    }
    if (corrupt) {
      this.counters.discards++;
      this.socket?.destroy();
    }
  }

  private fail(reason: string): void {
    const pending = this.pending;
    if (!pending) return;
    clearTimeout(pending.timer);
    this.pending = undefined;
    pending.reject(new NoAnswer(reason));
  }
}
