import type { ReadRequest } from '../protocol/pdu.js';

/** The slave did not answer: a timeout, or the line or connection is down. Never thrown for an exception reply. */
export class NoAnswer extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoAnswer';
  }
}

export interface TransportCounters {
  /** Requests put on the line. */
  sent: number;
  /** Replies that answered them (exceptions included). */
  replies: number;
  timeouts: number;
  /** Bytes or frames thrown away because they answered no pending request (late, wrong unit, bad CRC). */
  discards: number;
  discardedBytes: number;
}

export function newCounters(): TransportCounters {
  return { sent: 0, replies: 0, timeouts: 0, discards: 0, discardedBytes: 0 };
}

/** One Modbus link (an RS-485 line, a TCP connection). Callers must not overlap exchanges: the BusScheduler serialises them. */
export interface Transport {
  readonly name: string;
  readonly counters: TransportCounters;
  /** Sends a read request and resolves with the reply PDU (which may be an exception), or rejects with NoAnswer. */
  exchange(unit: number, request: ReadRequest, timeoutMs: number): Promise<Buffer>;
  close(): Promise<void>;
}

/** A byte stream a transport frames requests on: a serial port, or a TCP socket to a serial converter. */
export interface ByteLink {
  readonly name: string;
  write(bytes: Buffer): Promise<void>;
  onData(listener: (chunk: Buffer) => void): void;
  close(): Promise<void>;
}
