import { spawn } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { pseudonym } from '../../edge/privacy/index.js';
import { Topics } from '../../wire/index.js';
import { startDashboardBroker } from '../browser/support/broker.js';
import { removeTempDir, tempDir } from '../harness/index.js';
import { CLI, tidegate } from './run.js';

const DRIVERS = new URL('../../drivers/', import.meta.url).pathname;

/** Runs `SHELL_PIPELINE` in bash; prints the exit status of the tidegate side on the last line. */
function pipeline(command: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', `${command}; echo "status=\${PIPESTATUS[0]}"`]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', () => resolve({ stdout, stderr }));
  });
}

describe('tidegate decode as a technician uses it', () => {
  const dir = tempDir();
  afterAll(() => removeTempDir(dir));

  it('reads every commented .hex vector of the repo, with the .mode beside it, as its .lp says', async () => {
    let files = 0;
    for (const driver of ['sds011', 'teleinfo', 'traffic']) {
      const testdata = join(DRIVERS, driver, 'testdata');
      for (const name of readdirSync(testdata).filter((f) => f.endsWith('.hex'))) {
        const expected = readFileSync(join(testdata, name.replace(/\.hex$/, '.lp')), 'utf8')
          .split('\n')
          .filter(Boolean);
        const { stdout, stderr } = await tidegate(['decode', driver, join(testdata, name)]);
        const lines = stdout.split('\n').filter(Boolean);
        const withoutTime = (l: string) => l.slice(0, l.lastIndexOf(' '));
        expect(lines.map(withoutTime), `${driver}/${name}: ${stderr}`).toEqual(expected.map(withoutTime));
        files++;
      }
    }
    expect(files).toBeGreaterThan(15);
  }, 300_000); // one CLI start per vector, about 20

  it('a wrong --mode that refuses every frame exits 1 and names the mode that decodes the bytes', async () => {
    const file = join(DRIVERS, 'teleinfo', 'testdata', 'standard-three-phase.hex');
    const { code, stdout, stderr } = await tidegate(['decode', 'teleinfo', '--mode', 'historique', file]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^0 readings, \d+ rejected$/m);
    expect(stderr).toContain('the bytes decode in mode standard');
    expect(stderr).toContain('tidegate decode teleinfo --mode standard');
    // the same bytes as raw bytes on stdin, as piped from a serial port
    const rawFile = join(dir, 'standard.bin');
    writeFileSync(rawFile, Buffer.from(readFileSync(file, 'utf8').replace(/#.*/g, '').replace(/\s+/g, ''), 'hex'));
    const raw = await pipeline(`node ${CLI} decode teleinfo < ${rawFile}`);
    expect(raw.stdout).toContain('status=1');
    expect(raw.stderr).toContain('--mode standard');
  });

  it('--pseudonymise prints the meter as the gateway publishes it, never in clear', async () => {
    const keyFile = join(dir, 'pseudonym.key');
    const key = Buffer.alloc(32, 7);
    writeFileSync(keyFile, key);
    chmodSync(keyFile, 0o600);
    const file = join(DRIVERS, 'teleinfo', 'testdata', 'historique-base.hex');
    const clear = await tidegate(['decode', 'teleinfo', file]);
    expect(clear.stdout).toContain('meter=031664001115');
    const hidden = await tidegate(['decode', 'teleinfo', '--pseudonymise', '--key-file', keyFile, file]);
    expect(hidden.code).toBe(0);
    expect(hidden.stdout).not.toContain('031664001115');
    expect(hidden.stdout).toContain(`meter=${pseudonym(key, '031664001115')}`);
    const runKey = await tidegate(['decode', 'teleinfo', '--pseudonymise', file]);
    expect(runKey.stdout).not.toContain('031664001115');
    expect(runKey.stderr).toContain('a key for this run only');
  });

  it('stops quietly when piped into head (no EPIPE crash)', async () => {
    const big = join(dir, 'big.hex');
    writeFileSync(big, readFileSync(join(DRIVERS, 'sds011', 'testdata', 'published-data.hex'), 'utf8').repeat(2000));
    const { stdout, stderr } = await pipeline(`node ${CLI} decode sds011 ${big} | head -1`);
    expect(stdout).toMatch(/^air_quality,/);
    expect(stdout).toContain('status=0');
    expect(stderr).not.toMatch(/EPIPE|Error/);
  });

  it('tidegate watch | head stops quietly too', async () => {
    const broker = await startDashboardBroker();
    const passwordFile = join(dir, 'operator.secret');
    writeFileSync(passwordFile, `${broker.operator.password}\n`);
    chmodSync(passwordFile, 0o600);
    const gateway = await mqtt.connectAsync(broker.mqttUrl, broker.admin);
    const topics = new Topics();
    let n = 0;
    const publishing = setInterval(() => {
      const ns = BigInt(Date.now()) * 1_000_000n;
      for (let i = 0; i < 20; i++)
        gateway.publish(
          topics.data('gw-1', 'pm-1'),
          `air_quality,sensor=sds011 pm2_5_ugm3=${++n},pm10_ugm3=9 ${ns + BigInt(i)}`,
        );
    }, 50);
    try {
      const { stdout, stderr } = await pipeline(
        `node ${CLI} watch --no-color --url ${broker.mqttUrl} -u operator --password-file ${passwordFile} | head -3`,
      );
      expect(stdout.split('\n').filter((l) => l.includes('pm-1'))).toHaveLength(3);
      expect(stdout).toContain('status=0');
      expect(stderr).not.toMatch(/EPIPE|Error/);
    } finally {
      clearInterval(publishing);
      await gateway.endAsync();
      await broker.stop();
    }
  });
});
