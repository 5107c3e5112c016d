import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnService, usePtyPair, waitFor } from '../tests/harness/index.js';
import { createDriverRuntime } from './runtime.js';
import { CAPTURE_TIME_NS, loadCaptureCases } from './serial/capture.js';
import { recordingSink } from './serial/recording-sink.js';
import { driver as teleinfo } from './teleinfo/driver.js';

const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'bin', 'tidegate.js');

function run(args: string[], stdin: Uint8Array): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(Buffer.from(stdin));
  });
}

/** `tidegate decode` run as technicians run it: the real CLI, a capture file's bytes on stdin. */
describe('tidegate decode DRIVER < capture', () => {
  const cases: [driver: string, testCase: string, clockFromCapture: boolean][] = [
    ['sds011', 'garbage-around', false],
    ['teleinfo', 'historique-faults', false],
    ['teleinfo', 'standard-single-phase', false],
    ['traffic', 'two-periods-mph', true],
    ['traffic', 'click512-guide', true],
    ['pms5003', 'faults', false],
  ];
  for (const [driver, name, clockFromCapture] of cases) {
    it(`${driver} ${name}: line protocol on stdout, one line per rejection on stderr, to the end`, async () => {
      const testCase = loadCaptureCases(join(import.meta.dirname, driver, 'testdata')).find((c) => c.name === name)!;
      const before = BigInt(Date.now()) * 1_000_000n;
      const { code, stdout, stderr } = await run(
        ['decode', driver, ...(testCase.mode ? ['--mode', testCase.mode] : [])],
        testCase.bytes,
      );
      const after = BigInt(Date.now()) * 1_000_000n;
      expect(code, stderr).toBe(0);
      const lines = stdout.split('\n').filter(Boolean);
      if (clockFromCapture) expect(lines).toEqual(testCase.lines);
      else {
        // Readings are dated when read: compare everything but the time, and check the time is "now".
        const times = lines.map((line) => BigInt(line.slice(line.lastIndexOf(' ') + 1)));
        for (const time of times) expect(time >= before - 1_000_000n && time <= after).toBe(true);
        expect(lines.map((line) => `${line.slice(0, line.lastIndexOf(' '))} ${CAPTURE_TIME_NS}`)).toEqual(
          testCase.lines,
        );
      }
      const errors = stderr.split('\n').filter(Boolean);
      expect(errors.slice(0, -1).map((line) => /^rejected: ([\w-]+): /.exec(line)?.[1])).toEqual(testCase.rejections);
      expect(errors.at(-1)).toBe(`${testCase.lines.length} readings, ${testCase.rejections.length} rejected`);
    });
  }

  it('refuses a mode the driver does not have, naming the modes', async () => {
    const { code, stderr } = await run(['decode', 'teleinfo', '--mode', 'turbo'], new Uint8Array());
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/no mode "turbo" \(modes: historique, standard\)/);
  });
});

describe('tidegate simulate teleinfo --port PTY', () => {
  const pty = usePtyPair();

  it('writes the frames of a meter with the given ADSC and PRM, which the driver reads', async () => {
    const sink = recordingSink();
    const handle = await teleinfo.open(teleinfo.options.parse({ port: pty().a, mode: 'standard' }), {
      deviceId: 'linky',
      sink,
      runtime: createDriverRuntime(),
      signal: new AbortController().signal,
    });
    try {
      const args = [
        'simulate',
        'teleinfo',
        '--port',
        pty().b,
        '--mode',
        'standard',
        '--count',
        '5',
        '--interval',
        '20',
      ];
      const simulator = spawnService(
        process.execPath,
        [CLI, ...args, '--adco', '012345678901', '--prm', '98765432109876'],
        { cwd: ROOT },
      );
      const exited = new Promise<number | null>((resolve) => simulator.child.on('exit', resolve));
      await waitFor(() => sink.readings.length >= 5, 'five frames from the CLI simulator', 30_000);
      expect(await exited, simulator.output()).toBe(0);
      expect(simulator.output()).toMatch(/sent 5 good frames/);
      for (const reading of sink.readings) {
        expect(reading.tags.meter).toBe('012345678901');
        expect(reading.fields.prm).toBe('98765432109876');
      }
      expect(sink.rejections).toEqual([]);
    } finally {
      await handle.close();
    }
  });
});
