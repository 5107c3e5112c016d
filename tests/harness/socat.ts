import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { requireBinary } from './binaries.js';
import { removeTempDir, type Service, spawnService, tempDir } from './cleanup.js';
import { waitFor } from './ports.js';

/** Two linked pseudo-terminals: what is written on one end is read on the other, like a null-modem cable. */
export interface PtyPair {
  /** Path of one end (a symlink to /dev/pts/N). */
  a: string;
  b: string;
  /** Removes both ends, as if the cable were pulled (the device "unplugged"). */
  stop(): Promise<void>;
  /** Recreates the pair on the same paths (the device plugged back). */
  restart(): Promise<void>;
  /** Stops socat and removes the folder of the links. */
  dispose(): Promise<void>;
}

export async function startPtyPair(): Promise<PtyPair> {
  const socat = requireBinary('socat', 'socat');
  const dir = tempDir('tidegate-pty-');
  const a = join(dir, 'a');
  const b = join(dir, 'b');
  const launch = async () => {
    const service = spawnService(socat, ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`]);
    await waitFor(() => existsSync(a) && existsSync(b), `socat PTYs ${a} and ${b}`, 10_000, 20);
    return service;
  };
  let service: Service | undefined = await launch();
  const stop = async () => {
    await service?.stop();
    service = undefined;
    await waitFor(() => !existsSync(a) && !existsSync(b), 'socat to remove its PTY links', 5_000, 20);
  };
  return {
    a,
    b,
    stop,
    async restart() {
      await stop();
      service = await launch();
    },
    async dispose() {
      await service?.stop();
      service = undefined;
      removeTempDir(dir);
    },
  };
}

/** A PTY pair for the whole test file, removed after it whatever happened. */
export function usePtyPair(): () => PtyPair {
  let pair: PtyPair | undefined;
  beforeAll(async () => {
    pair = await startPtyPair();
  }, 20_000);
  afterAll(async () => {
    await pair?.dispose();
  });
  return () => {
    if (!pair) throw new Error('the PTY pair did not start (see beforeAll)');
    return pair;
  };
}
