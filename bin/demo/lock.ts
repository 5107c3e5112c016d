import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * One demo per data folder. A demo killed with -9 leaves its influxd and socat running (they do not
 * watch their parent, the tidegate children do): the next start stops what still names this folder
 * before it starts its own, and refuses while the demo that holds the lock is alive.
 * Returns the release function.
 */
export async function lockDataDir(dir: string, say: (text: string) => void): Promise<() => void> {
  const lockFile = join(dir, 'demo.pid');
  const holder = readPid(lockFile);
  if (holder && holder !== process.pid && commandOf(holder)?.includes('tidegate'))
    throw new Error(`another demo runs on ${dir} (pid ${holder}): stop it first (kill ${holder}), or pass --data-dir`);
  const leftovers = processesNaming(`${dir}/`).filter((p) => p.pid !== process.pid && p.pid !== process.ppid);
  if (leftovers.length) {
    say(`cleaning up after a demo that was killed: ${leftovers.map((p) => `${p.name} (pid ${p.pid})`).join(', ')}`);
    await stopAll(leftovers.map((p) => p.pid));
  }
  writeFileSync(lockFile, `${process.pid}\n`);
  return () => {
    if (readPid(lockFile) === process.pid) rmSync(lockFile, { force: true });
  };
}

function readPid(file: string): number | undefined {
  try {
    return Number(readFileSync(file, 'utf8').trim()) || undefined;
  } catch {
    return undefined;
  }
}

function commandOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return undefined;
  }
}

/** Processes whose command line names a path under `prefix` (influxd's config, socat's links, a gateway's config). */
export function processesNaming(prefix: string): { pid: number; name: string }[] {
  const found: { pid: number; name: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const command = commandOf(Number(entry));
    if (command?.includes(prefix)) found.push({ pid: Number(entry), name: command.split(' ')[0]!.split('/').pop()! });
  }
  return found;
}

async function stopAll(pids: number[]): Promise<void> {
  const signal = (pid: number, name: NodeJS.Signals) => {
    try {
      process.kill(pid, name);
      return true;
    } catch {
      return false;
    }
  };
  for (const pid of pids) signal(pid, 'SIGTERM');
  const deadline = Date.now() + 10_000;
  while (pids.some((pid) => signal(pid, 0 as unknown as NodeJS.Signals)) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 100));
  for (const pid of pids) signal(pid, 'SIGKILL');
}
