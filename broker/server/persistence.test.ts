import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { tempDir, useRedis } from '../../tests/harness/index.js';
import { loadBrokerConfig, parseBrokerConfig } from './config.js';
import { persistenceOptions } from './persistence.js';

/** The start-up warning: when can a broker lose what it acknowledged? */
describe('persistence risk', () => {
  const redis = useRedis();

  it('a config file without persistence gets SQLite sessions beside it; memory must be written', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'quiet.yaml'), 'prefix: tidegate\n');
    expect(loadBrokerConfig(join(dir, 'quiet.yaml')).persistence).toEqual({
      type: 'sqlite',
      path: join(dir, 'broker-sessions.db'),
      sync: 'normal',
    });
    writeFileSync(join(dir, 'memory.yaml'), 'persistence: { type: memory }\n');
    expect(loadBrokerConfig(join(dir, 'memory.yaml')).persistence).toEqual({ type: 'memory' });
  });

  it('memory persistence says acknowledged messages can be lost; SQLite says nothing', async () => {
    const memory = await persistenceOptions(parseBrokerConfig({ persistence: { type: 'memory' } }).persistence);
    expect(memory.risk).toMatch(/lost if the broker stops or dies/);
    const sqlite = await persistenceOptions(
      parseBrokerConfig({ persistence: { type: 'sqlite', path: ':memory:' } }).persistence,
    );
    expect(sqlite.risk).toBeUndefined();
    await (sqlite.options.persistence as unknown as { setup(b: object): Promise<void> }).setup({ id: 'b' });
    await sqlite.close();
  });

  it("Redis without an fsync'd append-only file is a risk; appendonly yes + appendfsync always is not", async () => {
    const config = parseBrokerConfig({ persistence: { type: 'redis', url: redis().url } }).persistence;
    const before = await persistenceOptions(config);
    expect(before.risk).toMatch(/appendonly no.*set appendonly yes and appendfsync always/);
    await before.close();
    const admin = new Redis(redis().url);
    await admin.config('SET', 'appendonly', 'yes');
    await admin.config('SET', 'appendfsync', 'always');
    admin.disconnect();
    const after = await persistenceOptions(config);
    expect(after.risk).toBeUndefined();
    await after.close();
  });
});
