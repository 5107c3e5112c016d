import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** The agent's view of time, injectable so tests can boot a gateway in 1970. */
export interface Clock {
  /** Wall-clock time, ns since the epoch (may be wrong until synced). */
  wallNs(): bigint;
  /** Monotonic time, ns since boot: the same clock across processes of one boot. */
  monoNs(): bigint;
  /** Identifies this boot: monotonic times only compare within one boot. */
  bootId: string;
  /** Whether an external authority says the wall clock is set (NTP). */
  externallySynced(): Promise<boolean>;
}

export function systemClock(check: 'timedatectl' | 'year'): Clock {
  return {
    wallNs: () => BigInt(Date.now()) * 1_000_000n,
    monoNs: () => process.hrtime.bigint(),
    bootId: readBootId(),
    externallySynced: check === 'timedatectl' ? timedatectlSynced : () => Promise.resolve(true),
  };
}

function readBootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return `process-${process.pid}-${Date.now()}`;
  }
}

/**
 * `timedatectl show -p NTPSynchronized --value` says "yes" once systemd-timesyncd (or chrony) has set
 * the clock. Where there is no systemd (a container), the command fails: the year check alone decides.
 */
export function timedatectlSynced(): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('timedatectl', ['show', '-p', 'NTPSynchronized', '--value'], { timeout: 5000 }, (error, stdout) => {
      if (error) resolve(true);
      else resolve(stdout.trim() === 'yes');
    });
  });
}
