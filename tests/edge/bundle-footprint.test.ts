import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfigYaml } from '../../edge/testing/agent-config.js';
import {
  removeTempDir,
  spawnService,
  startAedes,
  startPtyPair,
  type TestAedes,
  tempDir,
  waitFor,
} from '../harness/index.js';
import { BrokerRecorder } from './recorder.js';

const CLI = new URL('../../bin/tidegate.js', import.meta.url).pathname;
const BUNDLE_DIR = new URL('../../dist/bundle/', import.meta.url).pathname;

/**
 * What keeps `tidegate edge` small (docs/edge.md, "Memory"), checked on the built bundle: a regression
 * here costs resident memory on every gateway, and no functional test would notice.
 */
describe('the gateway bundle loads only what its config uses', () => {
  const dir = tempDir();
  let aedes: TestAedes;
  let recorder: BrokerRecorder;
  // Writes the built-ins and CommonJS files loaded on SIGUSR2: the agent's own code is left as it is.
  const preload = join(dir, 'module-list.cjs');

  beforeAll(async () => {
    aedes = await startAedes();
    recorder = new BrokerRecorder(aedes);
    writeFileSync(
      preload,
      `process.on('SIGUSR2', () => require('node:fs').writeFileSync(process.env.MODULE_LIST, [...process.moduleLoadList, ...Object.keys(require.cache)].join('\\n')));\n`,
    );
  });

  afterAll(async () => {
    await aedes?.stop();
    removeTempDir(dir);
  });

  /** The built-in modules and CommonJS files an agent has loaded once it is online. */
  async function modulesLoaded(name: string, extraYaml: string, devices: string[] = []): Promise<string[]> {
    const config = join(dir, `${name}.yaml`);
    const list = join(dir, `${name}.modules`);
    writeFileSync(config, testConfigYaml({ dir: join(dir, name), url: aedes.url, devices }) + extraYaml);
    recorder.statuses.length = 0;
    const agent = spawnService('node', ['--require', preload, CLI, 'edge', '--config', config], {
      env: { ...process.env, MODULE_LIST: list },
    });
    try {
      await waitFor(() => recorder.statuses.some((s) => s.state === 'online'), `online: ${agent.output()}`, 30_000);
      agent.child.kill('SIGUSR2');
      await waitFor(() => existsSync(list), 'the module list', 10_000);
      return readFileSync(list, 'utf8').split('\n');
    } finally {
      await agent.stop('SIGTERM');
    }
  }

  it('loads node:crypto only for a pseudonym key (~0.8 MiB otherwise unused)', async () => {
    expect(await modulesLoaded('no-key', '')).not.toContain('NativeModule crypto');
    const keyFile = join(dir, 'key', 'pseudonym.key');
    const withKey = await modulesLoaded('key', `privacy: { keyFile: ${keyFile} }\n`);
    expect(withKey).toContain('NativeModule crypto');
    expect(statSync(keyFile).size).toBe(32); // created with crypto's random bytes, loaded on demand
  }, 90_000);

  it("opens serial ports through serialport's stream and binding, not its index (eleven parsers, a mock)", async () => {
    const pty = await startPtyPair();
    try {
      const loaded = await modulesLoaded('serial', '', [`{ id: pm-1, driver: sds011, port: ${pty.a} }`]);
      expect(loaded.some((m) => m.includes('@serialport/stream'))).toBe(true);
      expect(loaded.filter((m) => m.includes('/serialport/dist/') || m.includes('binding-mock'))).toEqual([]);
    } finally {
      await pty.dispose();
    }
  }, 60_000);

  it("pins serialport's two parts to the versions serialport itself uses (one copy of each)", () => {
    const manifest = (path: string) => JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8'));
    const ours = manifest('../../package.json').dependencies;
    const serialport = manifest('../../node_modules/serialport/package.json').dependencies;
    for (const part of ['@serialport/stream', '@serialport/bindings-cpp']) expect(ours[part]).toBe(serialport[part]);
  });

  it("holds zod tree-shaken: `import * as z from 'zod'`, not the `z` object that brings all of it", () => {
    const withZod = readdirSync(BUNDLE_DIR)
      .filter((f) => f.endsWith('.js'))
      .filter((f) => readFileSync(join(BUNDLE_DIR, f), 'utf8').includes('"$ZodType"'));
    expect(withZod).toHaveLength(1);
    // All of zod's classic API was 193 KB here; what the sources use, 98 KB.
    expect(statSync(join(BUNDLE_DIR, withZod[0]!)).size).toBeLessThan(140_000);
  });
});
