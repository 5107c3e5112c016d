import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ReadingBuffer } from '../../edge/buffer/buffer.js';
import { testConfigYaml } from '../../edge/testing/agent-config.js';
import { removeTempDir, spawnService, startAedes, tempDir, waitFor } from '../harness/index.js';
import { BrokerRecorder, range } from './recorder.js';

const CLI = new URL('../../bin/tidegate.js', import.meta.url).pathname;

describe('edge agent killed with SIGKILL mid-publish', () => {
  const dir = tempDir();
  afterAll(() => removeTempDir(dir));

  it('loses nothing it had stored: after a restart every reading arrives, in order', async () => {
    const aedes = await startAedes();
    const recorder = new BrokerRecorder(aedes);
    const devices = ['d1', 'd2', 'd3'];
    const perDevice = 15_000;
    // What the agent had stored before it was killed: a backlog of three devices.
    const buffer = new ReadingBuffer({ path: join(dir, 'buffer.db'), maxBytes: 1e9 });
    const t0 = 1_760_000_000_000_000_000n;
    for (let i = 0; i < perDevice; i++)
      for (const device of devices)
        buffer.add(device, {
          measurement: 'counter',
          tags: { sensor: device },
          fields: { seq: BigInt(i) },
          time: t0 + BigInt(i) * 1_000_000_000n,
        });
    buffer.close();

    const config = join(dir, 'gateway.yaml');
    writeFileSync(
      config,
      testConfigYaml({ dir, url: aedes.url, devices: [], mqtt: 'maxMessageBytes: 1KiB', logLevel: 'info' }),
    );
    try {
      const first = spawnService('node', [CLI, 'edge', '--config', config]);
      await waitFor(() => (recorder.lines.get('d1')?.length ?? 0) >= 1000, 'the replay to start', 60_000, 5);
      first.child.kill('SIGKILL');
      await waitFor(() => first.child.exitCode !== null || first.child.signalCode !== null, 'the agent to die');
      const beforeRestart = devices.reduce((n, d) => n + recorder.distinct(d).length, 0);
      expect(first.child.signalCode).toBe('SIGKILL');
      expect(beforeRestart).toBeLessThan(devices.length * perDevice); // killed mid-publish

      const second = spawnService('node', [CLI, 'edge', '--config', config]);
      await waitFor(
        () => devices.every((d) => recorder.distinct(d).length === perDevice),
        'every stored reading at the broker',
        90_000,
      );
      for (const d of devices) expect(recorder.seqs(d)).toEqual(range(perDevice));
      await second.stop('SIGTERM');
      expect(second.child.exitCode, second.output().slice(-3000)).toBe(0);
      const after = new ReadingBuffer({ path: join(dir, 'buffer.db'), maxBytes: 1e9 });
      expect(after.backlog().rows).toBe(0);
      after.close();
      expect(recorder.statuses.at(-1)?.state).toBe('offline');
    } finally {
      await aedes.stop();
    }
  });
});
