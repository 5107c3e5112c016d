import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { freePort, removeTempDir, startPtyPair, tempDir, waitFor } from '../tests/harness/index.js';
import { fieldProblem } from '../wire/catalogue/index.js';
import type { Reading } from '../wire/reading.js';
import type { DriverDefinition, DriverModule, Emission, SimulatorDefinition } from './driver.js';
import { loadShippedProfiles } from './modbus/profiles.js';
import { DRIVER_NAMES, loadDriver } from './registry.js';
import { createDriverRuntime } from './runtime.js';
import { decodeCapture, loadCaptureCases } from './serial/capture.js';
import { recordingSink } from './serial/recording-sink.js';

/**
 * What every registered driver must be (drivers/README.md): nothing here names a driver, so a new one
 * is held to the same bar by adding its registry line.
 */
const dir = (name: string) => join(import.meta.dirname, name);

/** Drivers whose primary document's own examples are not in testdata yet: a known gap, said out loud. */
const WITHOUT_DOCUMENT_VECTORS: Record<string, string> = {
  teleinfo:
    'no example group or frame of Enedis-NOI-CPT_02E or NOI-CPT_54E v3 was readable from here (only the title page of 54E); its vectors are ours and frames from Enedis-OSS/TIC2WebSocket (peer)',
  pms5003: 'its data manual describes the frame byte by byte but prints no example frame; its vectors are built to it',
};

function emissionProblems(emissions: readonly Emission[]): string[] {
  return emissions.flatMap((e) => e.fields.map((f) => fieldProblem(e.measurement, f)).filter((p) => p !== undefined));
}

/** Whether every reading's measurement and fields are among what the driver declared. */
function undeclared(readings: readonly Reading[], emissions: readonly Emission[]): string[] {
  const declared = new Set(emissions.flatMap((e) => e.fields.map((f) => `${e.measurement}.${f}`)));
  const seen = readings.flatMap((r) => Object.keys(r.fields).map((f) => `${r.measurement}.${f}`));
  return [...new Set(seen.filter((name) => !declared.has(name)))];
}

async function runAgainstItsDriver(driver: DriverDefinition<unknown>, simulator: SimulatorDefinition) {
  const pty = await startPtyPair();
  const tcpPort = await freePort();
  const dir = tempDir('tidegate-conformance-');
  try {
    for (const testCase of simulator.selfTest({ simulatorPort: pty.b, driverPort: pty.a, tcpPort, dir })) {
      const command = new Command().exitOverride();
      simulator.describe(command);
      command.parse(testCase.args, { from: 'user' });
      const stop = new AbortController();
      const running = simulator.run(command.opts(), stop.signal);
      const sink = recordingSink();
      const options = driver.options.parse(testCase.options);
      const closing = new AbortController();
      const handle = await driver.open(options, {
        deviceId: 'conformance',
        sink,
        runtime: createDriverRuntime(),
        signal: closing.signal,
      });
      try {
        if (driver.mode === 'poll')
          await waitFor(async () => (await handle.poll!().catch(() => [])).length > 0, `${testCase.name}: a poll`);
        await waitFor(() => sink.readings.length > 0, `${testCase.name}: a reading from its simulator`, 30_000);
      } finally {
        closing.abort();
        await handle.close();
        stop.abort();
        await running;
      }
      expect(undeclared(sink.readings, driver.emits(options)), testCase.name).toEqual([]);
      expect(emissionProblems(driver.emits(options)), testCase.name).toEqual([]);
    }
  } finally {
    await pty.dispose();
    removeTempDir(dir);
  }
}

describe.each(DRIVER_NAMES)('driver %s', (name) => {
  let module: DriverModule;
  const load = async () => {
    module ??= await loadDriver(name);
    return { ...module, driver: module.driver as DriverDefinition<unknown> };
  };

  it('has a README that shows its example', async () => {
    const { driver } = await load();
    const readme = join(dir(name), 'README.md');
    expect(existsSync(readme), readme).toBe(true);
    expect(driver.name).toBe(name);
    expect(readFileSync(readme, 'utf8')).toContain(`driver: ${name}`);
  });

  it('has strict options: its example parses, an unknown key is an error', async () => {
    const { driver } = await load();
    const options = driver.options.parse(driver.example);
    expect(driver.resources(options).length).toBeGreaterThan(0);
    const misspelt = driver.options.safeParse({ ...driver.example, consnet: 'daily' });
    expect(misspelt.success).toBe(false);
    expect(misspelt.error?.issues.map((i) => i.code)).toContain('unrecognized_keys');
  });

  it('declares only measurements and fields of the catalogue', async () => {
    const { driver } = await load();
    expect(driver.emits().length).toBeGreaterThan(0);
    expect(emissionProblems(driver.emits())).toEqual([]);
    expect(emissionProblems(driver.emits(driver.options.parse(driver.example)))).toEqual([]);
  });

  // `# source:` a document's own example (document, section, page); `# peer:` bytes published by another
  // implementation (repository, path, commit), not printed in the document; `# ours:` built here.
  it('decodes its documented vectors, each naming its source, its peer or marked as ours', async () => {
    const { decoder, driver } = await load();
    const testdata = join(dir(name), 'testdata');
    const hexFiles = existsSync(testdata) ? readdirSync(testdata).filter((f) => f.endsWith('.hex')) : [];
    if (!decoder) return; // a driver without a stream decoder (modbus) proves its frames in its own cases
    const sources = hexFiles.map(
      (f) => /^#\s*(source|peer|ours):/im.exec(readFileSync(join(testdata, f), 'utf8'))?.[1],
    );
    expect(
      hexFiles.filter((_, i) => sources[i] === undefined),
      'vectors without a "# source:", "# peer:" or "# ours:" line',
    ).toEqual([]);
    const documented = sources.filter((s) => s?.toLowerCase() === 'source').length;
    if (WITHOUT_DOCUMENT_VECTORS[name]) expect(documented, 'a gap listed but closed: remove it').toBe(0);
    else expect(documented, 'vectors from documents').toBeGreaterThan(0);
    for (const testCase of loadCaptureCases(testdata)) {
      const out = decodeCapture(decoder, testCase.bytes, { mode: testCase.mode });
      expect(out.lines, testCase.name).toEqual(testCase.lines);
      expect(
        out.rejections.map((r) => r.reason),
        testCase.name,
      ).toEqual(testCase.rejections);
      expect(undeclared(out.readings, driver.emits()), testCase.name).toEqual([]);
    }
  });

  it('runs its simulator, and its own driver reads it', { timeout: 120_000 }, async () => {
    const { driver, simulator } = await load();
    expect(simulator, 'a simulator').toBeDefined();
    await runAgainstItsDriver(driver, simulator!);
  });
});

describe('shipped Modbus profiles', () => {
  it('parse, and read only fields of the catalogue', () => {
    const profiles = loadShippedProfiles();
    expect(profiles.length).toBeGreaterThan(0);
    for (const { name, profile } of profiles) {
      const fields = profile.registers.filter((r) => r.as !== 'time').map((r) => r.field);
      expect(emissionProblems([{ measurement: profile.measurement, fields }]), name).toEqual([]);
    }
  });
});
