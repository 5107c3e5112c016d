import { EventEmitter, on } from 'node:events';
import { stat as statCallback } from 'node:fs';
import { promisify } from 'node:util';
import { autoDetect } from '@serialport/bindings-cpp';
import { SerialPortStream } from '@serialport/stream';
import type { SerialSettings } from '../driver.js';
import { nextDelay, type ReopenBackoff } from './backoff.js';

// fs.stat, not node:fs/promises: that module also loads readline, ~0.3 MiB of a gateway's heap.
const stat = promisify(statCallback);

/**
 * The platform's native binding, as the `serialport` package's SerialPort class uses: through its two
 * parts (stream and binding) rather than its index, which loads all eleven of its parsers and a mock
 * binding on every gateway (~60 KB of JavaScript the agent never runs; docs/edge.md, "Memory").
 */
let binding: ReturnType<typeof autoDetect> | undefined;
const nativeBinding = () => (binding ??= autoDetect());

export type PortState = 'up' | 'down';

export interface PortOwnerEvents {
  /** Bytes as they arrive; no framing here (each driver has its own framer). */
  data: [chunk: Buffer];
  /** 'up' once open, 'down' when it failed to open, was unplugged or closed. */
  state: [state: PortState, reason?: string];
}

export interface PortOwnerCounters {
  /** Successful opens, the first included. */
  opens: number;
  /** Times the open port went away (unplugged, read error). */
  disconnects: number;
  /** Failed open attempts. */
  failedOpens: number;
  bytesRead: number;
  bytesWritten: number;
}

/**
 * The single owner of one serial port: opens it with the configured line settings, hands out the
 * bytes it reads, writes, and reopens it with backoff when the device disappears (a USB adapter pulled
 * out and plugged back on the same path). It never emits 'error': trouble shows as state 'down' with a
 * reason, so one dead device cannot crash the process or block another port.
 */
export class SerialPortOwner extends EventEmitter<PortOwnerEvents> {
  readonly settings: Readonly<SerialSettings>;
  readonly counters: PortOwnerCounters = { opens: 0, disconnects: 0, failedOpens: 0, bytesRead: 0, bytesWritten: 0 };
  private readonly backoff: ReopenBackoff;
  private port: SerialPortStream | undefined;
  private started = false;
  private closed = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryDelay = 0;
  private firstAttempt: Promise<void> | undefined;
  private lastReason: string | undefined;
  private goneReason: string | undefined;
  private readonly lifetime = new AbortController();
  private watchTimer: NodeJS.Timeout | undefined;

  constructor(settings: SerialSettings, backoff: Partial<ReopenBackoff> = {}) {
    super();
    this.settings = { dataBits: 8, parity: 'none', stopBits: 1, ...settings };
    this.backoff = { initialMs: 100, maxMs: 5_000, watchMs: 500, ...backoff };
  }

  get path(): string {
    return this.settings.path;
  }

  get isOpen(): boolean {
    return this.port?.isOpen === true;
  }

  /**
   * Starts owning the port. Resolves after the first attempt and tells whether the port is open; if it
   * is not (device absent), the owner keeps trying in the background and emits 'state' 'up' when it is.
   */
  async open(): Promise<boolean> {
    if (this.closed) throw new Error(`serial port ${this.path} was closed`);
    if (!this.started) {
      this.started = true;
      this.firstAttempt = this.attempt();
    }
    await this.firstAttempt;
    return this.isOpen;
  }

  /** Resolves when the port is open (now or later); rejects if the owner is closed first or on timeout. */
  async whenOpen(timeoutMs = 30_000): Promise<void> {
    if (this.isOpen) return;
    if (this.closed) throw new Error(`serial port ${this.path} was closed`);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => finish(new Error(`serial port ${this.path} not open after ${timeoutMs} ms`)),
        timeoutMs,
      );
      const onState = (state: PortState) => {
        if (state === 'up') finish();
        else if (this.closed) finish(new Error(`serial port ${this.path} was closed`));
      };
      const finish = (error?: Error) => {
        clearTimeout(timer);
        this.off('state', onState);
        if (error) reject(error);
        else resolve();
      };
      this.on('state', onState);
    });
  }

  /** Writes and waits until the bytes are handed to the OS. Rejects when the port is not open. */
  write(data: Uint8Array | string): Promise<void> {
    const port = this.port;
    if (!port?.isOpen)
      return Promise.reject(new Error(`serial port ${this.path} is not open (${this.lastReason ?? 'closed'})`));
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : Buffer.from(data);
    return new Promise((resolve, reject) => {
      port.write(bytes, (error) => {
        if (error) return reject(new Error(`serial port ${this.path}: write failed: ${error.message}`));
        port.drain((drainError) => {
          if (drainError) return reject(new Error(`serial port ${this.path}: drain failed: ${drainError.message}`));
          this.counters.bytesWritten += bytes.length;
          resolve();
        });
      });
    });
  }

  /** Discards bytes received but not yet read (before a Modbus request, say). No-op when closed. */
  flushInput(): Promise<void> {
    const port = this.port;
    if (!port?.isOpen) return Promise.resolve();
    return new Promise((resolve) => port.flush(() => resolve()));
  }

  /** The chunks read, as an async iterator that ends when `signal` aborts or the owner is closed. */
  async *chunks(signal?: AbortSignal): AsyncGenerator<Buffer> {
    const stop = signal ? AbortSignal.any([signal, this.lifetime.signal]) : this.lifetime.signal;
    if (stop.aborted) return;
    try {
      for await (const [chunk] of on(this, 'data', { signal: stop })) yield chunk as Buffer;
    } catch (error) {
      if ((error as Error).name !== 'AbortError') throw error;
    }
  }

  /** Stops reopening and closes the port. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.watchTimer);
    await this.firstAttempt?.catch(() => {});
    const port = this.port;
    this.port = undefined;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
    this.lastReason = 'closed';
    this.emit('state', 'down', 'closed');
    this.lifetime.abort();
  }

  private async attempt(): Promise<void> {
    if (this.closed) return;
    const { path, baudRate, dataBits, parity, stopBits } = this.settings;
    let port: SerialPortStream;
    try {
      // serialport reads into a 64 KiB buffer per port by default; a sensor line brings tens of bytes a
      // second (20 ports: 1.2 MiB of a gateway's memory for nothing).
      port = new SerialPortStream({
        binding: nativeBinding(),
        path,
        baudRate,
        dataBits,
        parity,
        stopBits,
        autoOpen: false,
        highWaterMark: 4096,
      });
    } catch (error) {
      // Settings serialport refuses (a baud rate of 0, say): retrying cannot help.
      throw new Error(`serial port ${path}: ${(error as Error).message}`);
    }
    port.on('error', () => {}); // reported through open/close callbacks below
    const error = await new Promise<Error | null>((resolve) => port.open(resolve));
    if (this.closed) {
      if (!error) port.close();
      return;
    }
    if (error) {
      this.counters.failedOpens++;
      this.setDown(`open failed: ${error.message}`);
      this.scheduleRetry();
      return;
    }
    this.port = port;
    this.retryDelay = 0;
    this.counters.opens++;
    port.on('data', (chunk: Buffer) => {
      this.counters.bytesRead += chunk.length;
      this.emit('data', chunk);
    });
    port.once('close', (disconnect?: Error | null) => {
      clearInterval(this.watchTimer);
      if (this.port !== port || this.closed) return;
      this.port = undefined;
      this.counters.disconnects++;
      this.setDown(`disconnected: ${disconnect?.message || this.goneReason || 'port closed'}`);
      this.goneReason = undefined;
      this.scheduleRetry();
    });
    this.watch(port);
    this.lastReason = undefined;
    this.emit('state', 'up');
  }

  /**
   * Closes the port when its path disappears or now names another device. Needed because a tty whose
   * other side went away does not always fail reads: a PTY slave whose master closed reads 0 bytes
   * forever, which serialport retries without reporting anything.
   */
  private watch(port: SerialPortStream): void {
    const openedDevice = stat(this.path).then(
      (s) => s.rdev,
      () => undefined,
    );
    clearInterval(this.watchTimer);
    this.watchTimer = setInterval(async () => {
      const [was, now] = await Promise.all([
        openedDevice,
        stat(this.path).then(
          (s) => s.rdev,
          () => undefined,
        ),
      ]);
      if (this.port !== port || !port.isOpen || (now !== undefined && now === was)) return;
      this.goneReason = now === undefined ? `${this.path} disappeared` : `${this.path} now names another device`;
      port.close();
    }, this.backoff.watchMs);
  }

  private scheduleRetry(): void {
    this.retryDelay = nextDelay(this.retryDelay, this.backoff);
    this.retryTimer = setTimeout(() => {
      this.attempt().catch((error: Error) => this.setDown(error.message));
    }, this.retryDelay);
  }

  /** Emits 'down' once per outage (not on every failed retry), with the first reason. */
  private setDown(reason: string): void {
    if (this.lastReason !== undefined) return;
    this.lastReason = reason;
    this.emit('state', 'down', reason);
  }
}
