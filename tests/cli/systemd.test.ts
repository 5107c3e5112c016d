import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { findBinary, tempDir } from '../harness/index.js';

const UNIT = new URL('../../config/tidegate-edge.service', import.meta.url).pathname;
const EXAMPLE = new URL('../../config/gateway.example.yaml', import.meta.url).pathname;

function directives(unit: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let section = '';
  for (const raw of unit.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const header = /^\[(\w+)\]$/.exec(line);
    if (header) section = header[1]!;
    else {
      const at = line.indexOf('=');
      const key = `${section}.${line.slice(0, at)}`;
      out.set(key, [...(out.get(key) ?? []), line.slice(at + 1)]);
    }
  }
  return out;
}

describe('the shipped systemd unit and example config agree', () => {
  const unit = directives(readFileSync(UNIT, 'utf8'));
  const config = parse(readFileSync(EXAMPLE, 'utf8')) as { privacy: { keyFile: string }; buffer: { path: string } };

  it('puts every file the agent writes (buffer, pseudonym key) where ProtectSystem=strict lets it write', () => {
    expect(unit.get('Service.ProtectSystem')).toEqual(['strict']);
    const writable = [
      ...(unit.get('Service.ReadWritePaths') ?? []).flatMap((v) => v.split(/\s+/)),
      ...(unit.get('Service.StateDirectory') ?? []).map((d) => `/var/lib/${d}`),
    ];
    for (const file of [config.privacy.keyFile, config.buffer.path])
      expect(
        writable.some((dir) => dirname(file) === dir || dirname(file).startsWith(`${dir}/`)),
        `${file} in ${writable.join(', ')}`,
      ).toBe(true);
  });

  it('checks the config before a start and a reload, reloads with SIGHUP, and bounds restarts', () => {
    expect(unit.get('Service.ExecStartPre')?.[0]).toMatch(/tidegate\.js check \/etc\/tidegate\/gateway\.yaml$/);
    expect(unit.get('Service.ExecReload')).toEqual([
      expect.stringMatching(/tidegate\.js check \/etc\/tidegate\/gateway\.yaml$/),
      '/bin/kill -HUP $MAINPID',
    ]);
    expect(Number(unit.get('Unit.StartLimitBurst')?.[0])).toBeGreaterThan(0);
    expect(Number(unit.get('Unit.StartLimitIntervalSec')?.[0])).toBeGreaterThanOrEqual(
      Number(unit.get('Unit.StartLimitBurst')?.[0]) * Number(unit.get('Service.RestartSec')?.[0]),
    );
  });

  it('passes systemd-analyze verify', () => {
    const analyze = findBinary('systemd-analyze');
    if (!analyze) return; // systemd is not on every development machine
    const copy = join(tempDir(), 'tidegate-edge.service');
    copyFileSync(UNIT, copy);
    expect(() => execFileSync(analyze, ['verify', copy], { stdio: 'pipe' })).not.toThrow();
  });
});
