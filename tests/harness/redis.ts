import { connect } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { requireBinary } from './binaries.js';
import { removeTempDir, type Service, spawnService, tempDir } from './cleanup.js';
import { freePort, waitFor } from './ports.js';

/** A redis-server on a free loopback port, no persistence: for the broker cluster tests. */
export interface TestRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export async function startRedis(): Promise<TestRedis> {
  const binary = requireBinary('redis-server', 'redis-server');
  const dir = tempDir('tidegate-redis-');
  const port = await freePort();
  const service: Service = spawnService(binary, [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    dir,
  ]);
  const open = () =>
    new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
  await waitFor(open, `redis-server on port ${port}`, 10_000);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      await service.stop();
      removeTempDir(dir);
    },
  };
}

export function useRedis(): () => TestRedis {
  let redis: TestRedis | undefined;
  beforeAll(async () => {
    redis = await startRedis();
  }, 20_000);
  afterAll(async () => {
    await redis?.stop();
  });
  return () => {
    if (!redis) throw new Error('redis did not start (see beforeAll)');
    return redis;
  };
}
