import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { processesNaming } from '../../bin/demo/lock.js';
import { requireBinary, spawnService, tempDir, waitFor } from '../harness/index.js';
import { CLI } from './run.js';

/** A demo killed with -9 leaves influxd and socat behind: the next one cleans up; two at once refuse. */
describe('tidegate demo on one data folder', () => {
  requireBinary('influxd', 'influxdb');
  requireBinary('socat', 'socat');
  const dir = tempDir('tidegate-demo-lock-');
  const started: ReturnType<typeof spawnService>[] = [];
  const demo = () => {
    const service = spawnService(process.execPath, [CLI, 'demo', '--data-dir', dir]);
    started.push(service);
    return service;
  };
  afterAll(async () => {
    for (const s of started) await s.stop();
    for (const p of processesNaming(`${dir}/`)) process.kill(p.pid, 'SIGKILL');
  });

  it('refuses a second demo while one runs, and cleans up after one killed with -9', async () => {
    const first = demo();
    await waitFor(() => /Dashboard\s+http/.test(first.output()), 'the first demo to start', 90_000);
    expect(readFileSync(join(dir, 'demo.pid'), 'utf8').trim()).toBe(String(first.child.pid));
    const leftovers = () => processesNaming(`${dir}/`).map((p) => p.name);
    expect(leftovers()).toEqual(expect.arrayContaining(['influxd', 'socat']));

    const second = demo();
    await waitFor(() => second.child.exitCode !== null, 'the second demo to refuse', 60_000);
    expect(second.child.exitCode).toBe(1);
    expect(second.output()).toContain(`another demo runs on ${dir} (pid ${first.child.pid})`);

    await first.stop('SIGKILL');
    // influxd and socat do not watch their parent: they are still there, on this data folder
    expect(leftovers()).toEqual(expect.arrayContaining(['influxd', 'socat']));

    const third = demo();
    await waitFor(() => /Dashboard\s+http/.test(third.output()), 'the third demo to start', 90_000);
    expect(third.output()).toMatch(/cleaning up after a demo that was killed: .*influxd \(pid \d+\)/);
    const influxds = processesNaming(`${dir}/`).filter((p) => p.name === 'influxd');
    expect(influxds).toHaveLength(1); // never two influxd on one data directory
    await third.stop('SIGINT');
    expect(existsSync(join(dir, 'demo.pid'))).toBe(false);
  }, 300_000);
});
