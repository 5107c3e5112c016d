import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testConfigYaml } from '../../edge/testing/agent-config.js';
import { removeTempDir, spawnService, startAedes, tempDir, waitFor } from '../harness/index.js';
import { BrokerRecorder } from './recorder.js';

const CLI = new URL('../../bin/tidegate.js', import.meta.url).pathname;

describe('tidegate edge and SIGHUP', () => {
  const dir = tempDir();
  afterAll(() => removeTempDir(dir));

  it('keeps running on the old config when the new one is malformed, reloads a valid one', async () => {
    const aedes = await startAedes();
    const recorder = new BrokerRecorder(aedes);
    const config = join(dir, 'gateway.yaml');
    const yaml = testConfigYaml({ dir, url: aedes.url, devices: [] });
    writeFileSync(config, yaml);
    const agent = spawnService('node', [CLI, 'edge', '--config', config]);
    try {
      await waitFor(() => recorder.statuses.some((s) => s.state === 'online'), 'the online status', 30_000);

      writeFileSync(config, yaml.replace('gateway: {', 'gateway: { colour: red,'));
      agent.child.kill('SIGHUP');
      await waitFor(() => agent.output().includes('config not reloaded'), 'the refusal in the log', 30_000);
      expect(agent.output()).toContain('gateway.colour');
      expect(agent.child.exitCode).toBeNull();

      writeFileSync(config, yaml.replace('site: test-site', 'site: new-site'));
      agent.child.kill('SIGHUP');
      await waitFor(() => recorder.events.some((e) => e.type === 'config_reloaded'), 'a config_reloaded event', 30_000);
      await waitFor(() => recorder.statuses.at(-1)?.site === 'new-site', 'the status of the new config', 30_000);
      await agent.stop('SIGTERM');
      expect(agent.child.exitCode).toBe(0);
    } finally {
      await agent.stop('SIGKILL');
      await aedes.stop();
    }
  });
});
