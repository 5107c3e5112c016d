import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { requireBinary } from '../harness/binaries.js';

const run = promisify(execFile);

describe('tidegate ports', () => {
  it('lists the serial ports udev knows, one path per line, or says there are none', async () => {
    requireBinary('udevadm', 'udev');
    const { stdout } = await run('node', ['bin/tidegate.js', 'ports']);
    const lines = stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatch(/^(\/dev\/\S+|no serial ports found)/);
  });
});
