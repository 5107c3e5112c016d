import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { testConfigYaml } from '../../edge/testing/agent-config.js';
import { removeTempDir, spawnService, startAedes, tempDir, usePtyPair, waitFor } from '../harness/index.js';
import { BrokerRecorder } from './recorder.js';

const CLI = new URL('../../bin/tidegate.js', import.meta.url).pathname;

/** The rows a (dead) agent left in its buffer, as the lines they will be published as. */
function storedLines(path: string): string[] {
  const db = new Database(path, { readonly: true });
  try {
    const rows = db.prepare('SELECT body, time FROM readings ORDER BY seq').safeIntegers(true).all() as {
      body: string;
      time: bigint;
    }[];
    return rows.map((r) => `${r.body} ${r.time}`);
  } finally {
    db.close();
  }
}

/** A live SDS011 on a PTY, a backlog from a broker outage, the agent SIGKILLed in the middle of the replay. */
describe('edge agent killed with SIGKILL while replaying live sensor data', () => {
  const pty = usePtyPair();
  const dir = tempDir();
  afterAll(() => removeTempDir(dir));

  it('publishes after its restart every reading its buffer held when it died', async () => {
    const aedes = await startAedes();
    const recorder = new BrokerRecorder(aedes);
    await aedes.stop();
    const config = join(dir, 'gateway.yaml');
    const yaml = testConfigYaml({
      dir,
      url: aedes.url,
      devices: [`{ id: pm-1, driver: sds011, port: ${pty().a} }`],
      mqtt: 'maxMessageBytes: 2KiB',
    });
    writeFileSync(config, `${yaml}privacy: { keyFile: ${join(dir, 'pseudonym.key')} }\n`);
    const simulator = spawnService('node', [CLI, 'simulate', 'sds011', '--port', pty().b, '--interval', '5']);
    let agent = spawnService('node', [CLI, 'edge', '--config', config]);
    try {
      const buffered = () => {
        try {
          return storedLines(join(dir, 'buffer.db')).length;
        } catch {
          return 0;
        }
      };
      await waitFor(() => buffered() >= 1500, 'a backlog while the broker is down', 60_000, 200);
      await recorder.restart();
      await waitFor(() => recorder.distinct('pm-1').length >= 100, 'the replay to start', 60_000, 5);
      agent.child.kill('SIGKILL');
      await waitFor(() => agent.child.signalCode === 'SIGKILL', 'the agent to die');
      const before = new Set(recorder.distinct('pm-1'));
      const held = storedLines(join(dir, 'buffer.db'));
      const notYetPublished = held.filter((line) => !before.has(line));
      expect(notYetPublished.length).toBeGreaterThan(0); // killed mid-replay

      agent = spawnService('node', [CLI, 'edge', '--config', config]);
      await waitFor(
        () => {
          const got = new Set(recorder.distinct('pm-1'));
          return held.every((line) => got.has(line));
        },
        `the ${held.length} readings the buffer held at the kill`,
        90_000,
        200,
      );
      const lines = recorder.distinct('pm-1');
      const times = lines.map((l) => BigInt(l.slice(l.lastIndexOf(' ') + 1)));
      expect(times).toEqual([...times].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    } finally {
      await simulator.stop();
      await agent.stop();
      await aedes.stop();
    }
  });
});
