import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('tidegate --help', () => {
  it('lists every command of the design', async () => {
    const { stdout } = await run('node', ['bin/tidegate.js', '--help']);
    for (const command of [
      'edge',
      'broker',
      'ingest',
      'check',
      'probe',
      'decode',
      'simulate',
      'ports',
      'export',
      'watch',
      'demo',
      'init',
    ]) {
      expect(stdout, command).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    }
  });

  it('prints its version', async () => {
    const { stdout } = await run('node', ['bin/tidegate.js', '--version']);
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('every command and simulator explains itself the same way', () => {
  it('simulate --help lists the drivers; each simulator has --help, --baud and duration options', async () => {
    const { stdout } = await run('node', ['bin/tidegate.js', 'simulate', '--help']);
    expect(stdout).toContain('one of: sds011, teleinfo, traffic, modbus');
    for (const driver of ['sds011', 'teleinfo', 'traffic', 'modbus']) {
      const help = (await run('node', ['bin/tidegate.js', 'simulate', driver, '--help'])).stdout;
      expect(help, driver).toMatch(/--baud <rate>/);
      expect(help, driver).not.toMatch(/--baud-rate/);
      if (driver !== 'modbus') expect(help, driver).toMatch(/--interval <duration>/);
    }
  });

  it('takes -c for every --config, durations for timeouts, and lower-case help texts', async () => {
    for (const command of [['edge'], ['probe'], ['check'], ['broker'], ['ingest']]) {
      const { stdout } = await run('node', ['bin/tidegate.js', ...command, '--help']);
      expect(stdout, command.join(' ')).toMatch(/-c, --config <file>/);
    }
    const probe = (await run('node', ['bin/tidegate.js', 'probe', '--help'])).stdout;
    expect(probe).toMatch(/--timeout <duration>.*\(5s, 500ms\)/);
    const top = (await run('node', ['bin/tidegate.js', '--help'])).stdout;
    const descriptions = [...top.matchAll(/^ {2}\S.*? {2,}(\S.*)$/gm)].map((m) => m[1]!);
    expect(descriptions.filter((d) => /^[A-Z][a-z]/.test(d) && !/^(InfluxDB|MQTT)\b/.test(d))).toEqual([]);
  });
});
