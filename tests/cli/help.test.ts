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
