import type { ModbusException } from './protocol/pdu.js';
import { type ReadRequest, responseData } from './protocol/pdu.js';
import { NoAnswer, type Transport } from './transport/transport.js';

/** One slave's budget: how long to wait for it, how many more times to ask. */
export interface SlaveBudget {
  timeoutMs: number;
  retries: number;
}

export type ReadOutcome =
  | { kind: 'data'; data: Buffer }
  | { kind: 'exception'; error: ModbusException }
  | { kind: 'no-answer'; reason: string; backedOff: boolean };

export interface SlaveCounters {
  /** Requests put on the line for this slave (retries and probes included). */
  requests: number;
  answered: number;
  exceptions: number;
  timeouts: number;
  /** Reads refused without using the line because the slave is backed off. */
  skipped: number;
}

interface SlaveState {
  counters: SlaveCounters;
  /** Consecutive reads that got no answer after all retries. */
  failures: number;
  /** While backed off, reads fail at once; the first read after this instant is a probe. */
  retryAt: number;
}

export interface BackoffSettings {
  initialMs: number;
  maxMs: number;
}

/**
 * The single queue of one Modbus line: requests of all devices on it run one at a time, in the order
 * they were asked. A slave that stops answering costs the line at most its own timeout × (retries + 1)
 * once; after that it is backed off (reads fail at once, without touching the line) and probed with one
 * attempt when its back-off expires, the wait doubling up to `maxMs` while it stays silent. Exceptions
 * are answers: they do not count against a slave.
 */
export class BusScheduler {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly slaves = new Map<number, SlaveState>();
  private closed = false;

  constructor(
    readonly transport: Transport,
    private readonly backoff: BackoffSettings = { initialMs: 1_000, maxMs: 60_000 },
  ) {}

  get name(): string {
    return this.transport.name;
  }

  read(unit: number, request: ReadRequest, budget: SlaveBudget): Promise<ReadOutcome> {
    const run = this.tail.then(() => this.run(unit, request, budget));
    this.tail = run.catch(() => {});
    return run;
  }

  /** Whether the slave is currently backed off (reported down by its devices). */
  isBackedOff(unit: number): boolean {
    const slave = this.slaves.get(unit);
    return slave !== undefined && slave.failures > 0;
  }

  counters(unit: number): Readonly<SlaveCounters> {
    return this.slave(unit).counters;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.transport.close();
  }

  private slave(unit: number): SlaveState {
    let slave = this.slaves.get(unit);
    if (!slave) {
      slave = {
        counters: { requests: 0, answered: 0, exceptions: 0, timeouts: 0, skipped: 0 },
        failures: 0,
        retryAt: 0,
      };
      this.slaves.set(unit, slave);
    }
    return slave;
  }

  private async run(unit: number, request: ReadRequest, budget: SlaveBudget): Promise<ReadOutcome> {
    const slave = this.slave(unit);
    if (this.closed) return { kind: 'no-answer', reason: `${this.name} closed`, backedOff: false };
    if (slave.failures > 0 && Date.now() < slave.retryAt) {
      slave.counters.skipped++;
      return { kind: 'no-answer', reason: `unit ${unit} is not answering (backed off)`, backedOff: true };
    }
    // A silent slave gets one probe, not a full retry budget, so it costs the line one timeout.
    const attempts = slave.failures > 0 ? 1 : budget.retries + 1;
    let reason = '';
    for (let attempt = 0; attempt < attempts; attempt++) {
      slave.counters.requests++;
      try {
        const pdu = await this.transport.exchange(unit, request, budget.timeoutMs);
        slave.failures = 0;
        slave.counters.answered++;
        try {
          return { kind: 'data', data: responseData(pdu) };
        } catch (error) {
          slave.counters.exceptions++;
          return { kind: 'exception', error: error as ModbusException };
        }
      } catch (error) {
        if (!(error instanceof NoAnswer)) throw error;
        slave.counters.timeouts++;
        reason = error.message;
        if (this.closed) break;
      }
    }
    slave.failures++;
    slave.retryAt = Date.now() + Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** (slave.failures - 1));
    return { kind: 'no-answer', reason, backedOff: false };
  }
}
