import {
  emptyStats,
  faultFor,
  garbageBytes,
  pause,
  type SerialSimulatorOptions,
  type SimulatorStats,
} from './faults.js';
import { SerialPortOwner } from './port-owner.js';

/** How a device's frames are made and spoiled, for `runFrameSimulator`. */
export interface FrameSource {
  /** The n-th (1-based) good frame. */
  frame(n: number): Uint8Array;
  /** The same frame with a wrong checksum (in teleinfo: one group's checksum). */
  withBadChecksum(frame: Uint8Array): Uint8Array;
  /** The frame cut short, as when a device resets mid-frame. */
  truncated(frame: Uint8Array): Uint8Array;
  /** Bytes garbage must not contain (frame heads). */
  syncBytes: readonly number[];
  /** True when a frame with a bad checksum still yields a reading (teleinfo drops only the bad group). */
  checksumFaultKeepsFrame?: boolean;
  /** Line settings beyond the baud rate (teleinfo: 7E1). */
  line?: { dataBits?: 7 | 8; parity?: 'none' | 'even' };
}

export interface SimulatorRun {
  owner: SerialPortOwner;
  stats: SimulatorStats;
}

/**
 * Opens the simulator's side of the port and returns its owner. A port that does not exist yet is
 * waited for (up to a minute, saying so on stderr), unless the signal aborts first.
 */
export async function openSimulatorPort(
  options: SerialSimulatorOptions,
  source: Pick<FrameSource, 'line'>,
  signal?: AbortSignal,
) {
  const owner = new SerialPortOwner({ path: options.port, baudRate: options.baudRate, ...source.line });
  if (!(await owner.open())) {
    process.stderr.write(`waiting for ${options.port} to appear\n`);
    const stop = () => void owner.close();
    signal?.addEventListener('abort', stop, { once: true });
    try {
      await owner.whenOpen(60_000);
    } catch (error) {
      await owner.close();
      if (!signal?.aborted) throw error; // interrupted while waiting: stop quietly
    } finally {
      signal?.removeEventListener('abort', stop);
    }
  }
  return owner;
}

/**
 * Writes frames on a serial port every `intervalMs` with the planned faults, until `count` frames or
 * the signal. Frames written while the port is away (unplugged) are lost, as from a real device.
 */
export async function runFrameSimulator(
  options: SerialSimulatorOptions,
  source: FrameSource,
  signal: AbortSignal,
): Promise<SimulatorStats> {
  const stats = emptyStats();
  const owner = await openSimulatorPort(options, source, signal);
  try {
    for (let n = 1; !signal.aborted && (options.count === 0 || n <= options.count); n++) {
      const good = source.frame(n);
      const fault = faultFor(n, options.faults);
      let bytes = good;
      if (fault === 'checksum') bytes = source.withBadChecksum(good);
      else if (fault === 'truncated') bytes = source.truncated(good);
      else if (fault === 'garbage') {
        const garbage = garbageBytes(8 + (n % 24), source.syncBytes);
        bytes = new Uint8Array(garbage.length + good.length);
        bytes.set(garbage);
        bytes.set(good, garbage.length);
      } else if (fault === 'silence') await pause(options.faults.silenceMs, signal);
      if (signal.aborted) break;
      const written = await owner.write(bytes).then(
        () => true,
        () => false,
      );
      if (written) {
        if (fault) stats[fault]++;
        if (fault !== 'truncated' && (fault !== 'checksum' || source.checksumFaultKeepsFrame)) stats.good++;
      }
      await pause(options.intervalMs, signal);
    }
    // Let the other end of a PTY read the last bytes before this end closes.
    await pause(200, signal);
    return stats;
  } finally {
    await owner.close();
  }
}

export function describeStats(stats: SimulatorStats): string {
  return `sent ${stats.good} good frames; faults: ${stats.checksum} bad checksum, ${stats.truncated} truncated, ${stats.garbage} garbage runs, ${stats.silence} silences`;
}
