import type { Command } from 'commander';

/** Faults a simulator injects into what it writes, so tests and technicians can watch a driver cope. */
export type FaultKind = 'checksum' | 'truncated' | 'garbage' | 'silence';
export const FAULT_KINDS: readonly FaultKind[] = ['checksum', 'truncated', 'garbage', 'silence'];

export interface FaultPlan {
  /** Every n-th frame (1-based) gets a fault; 0 = never. */
  every: number;
  /** The faults, taken in turn. */
  kinds: readonly FaultKind[];
  /** How long a 'silence' fault keeps the line quiet. */
  silenceMs: number;
}

export const NO_FAULTS: FaultPlan = { every: 0, kinds: [], silenceMs: 0 };

/** The fault for frame number n (1-based), or undefined for a clean frame. */
export function faultFor(n: number, plan: FaultPlan): FaultKind | undefined {
  if (plan.every <= 0 || plan.kinds.length === 0 || n % plan.every !== 0) return undefined;
  return plan.kinds[(n / plan.every - 1) % plan.kinds.length];
}

/** What a simulator wrote, by kind, for tests and for its summary on stderr. */
export interface SimulatorStats {
  /** Frames that must give a reading: clean ones, those after garbage or silence (and teleinfo's bad-checksum ones). */
  good: number;
  checksum: number;
  truncated: number;
  garbage: number;
  silence: number;
}

export const emptyStats = (): SimulatorStats => ({ good: 0, checksum: 0, truncated: 0, garbage: 0, silence: 0 });

/**
 * Random bytes for a 'garbage' fault, never one of `avoid` (the protocol's sync bytes), so that the
 * garbage is one counted rejection and cannot fake the start of a frame.
 */
export function garbageBytes(length: number, avoid: readonly number[], random: () => number = Math.random): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    let byte: number;
    do byte = Math.floor(random() * 256);
    while (avoid.includes(byte));
    bytes[i] = byte;
  }
  return bytes;
}

/** The options every serial simulator shares: where to write, how fast, how many, which faults. */
export function describeSerialSimulator(command: Command, defaults: { baudRate: number; intervalMs: number }): void {
  command
    .requiredOption('--port <path>', 'serial port to write to (e.g. one end of a socat PTY pair)')
    .option('--baud <rate>', 'baud rate', String(defaults.baudRate))
    .option(
      '--interval <duration>',
      'time between frames (1s, 200ms; a bare number is ms)',
      String(defaults.intervalMs),
    )
    .option('--count <n>', 'stop after this many frames (0 = run until interrupted)', '0')
    .option('--fault-every <n>', 'inject a fault into every n-th frame (0 = none)', '0')
    .option(
      '--faults <kinds>',
      `comma-separated faults taken in turn: ${FAULT_KINDS.join(', ')}`,
      FAULT_KINDS.join(','),
    )
    .option('--silence <duration>', "how long a 'silence' fault keeps the line quiet (3s)", '3000');
}

export interface SerialSimulatorOptions {
  port: string;
  baudRate: number;
  intervalMs: number;
  count: number;
  faults: FaultPlan;
}

/** Reads the shared options from commander's strings (or numbers, when called from code). */
export function serialSimulatorOptions(raw: Record<string, unknown>): SerialSimulatorOptions {
  const int = (key: string, fallback: number) => {
    const value = raw[key] ?? fallback;
    const n = Number(value);
    const flag = key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${flag}: "${value}" is not a whole number ≥ 0`);
    return n;
  };
  const kinds = String(raw.faults ?? FAULT_KINDS.join(','))
    .split(',')
    .filter(Boolean)
    .map((kind) => {
      if (!FAULT_KINDS.includes(kind as FaultKind))
        throw new Error(`--faults: unknown fault "${kind}" (${FAULT_KINDS.join(', ')})`);
      return kind as FaultKind;
    });
  if (typeof raw.port !== 'string' || raw.port === '') throw new Error('--port: a serial port path is required');
  return {
    port: raw.port,
    baudRate: int('baud', 9600),
    intervalMs: durationMs(raw.interval ?? 1000, 'interval'),
    count: int('count', 0),
    faults: { every: int('faultEvery', 0), kinds, silenceMs: durationMs(raw.silence ?? 3000, 'silence') },
  };
}

/** Resolves after ms, or at once when the signal aborts. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted || ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** A simulator duration: "1s", "200ms", "2m", or a bare number of milliseconds. */
export function durationMs(value: unknown, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(String(value).trim());
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(match?.[2] ?? 'ms') as 'ms' | 's' | 'm' | 'h'];
  const ms = match ? Math.round(Number(match[1]) * unit) : Number.NaN;
  if (!Number.isFinite(ms) || ms < 0) throw new Error(`--${flag}: "${String(value)}" is not a duration (1s, 200ms)`);
  return ms;
}
