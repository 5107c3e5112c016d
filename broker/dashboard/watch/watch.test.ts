import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DashboardBroker, startDashboardBroker } from '../../../tests/browser/support/broker.js';
import { type Service, spawnService, tempDir, waitFor } from '../../../tests/harness/index.js';
import { Topics } from '../../../wire/index.js';

const CLI = fileURLToPath(new URL('../../../bin/tidegate.js', import.meta.url));
const topics = new Topics();

function watch(args: string[], env: NodeJS.ProcessEnv = {}): Service {
  return spawnService(process.execPath, [CLI, 'watch', '--no-color', ...args], { env: { ...process.env, ...env } });
}

function exited(service: Service): Promise<number | null> {
  const { child } = service;
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('tidegate watch, the real CLI against startBroker with accounts', () => {
  let broker: DashboardBroker;
  let gateway: MqttClient;
  let passwordFile: string;
  let publishing: ReturnType<typeof setInterval>;

  beforeAll(async () => {
    broker = await startDashboardBroker();
    passwordFile = join(tempDir(), 'operator.secret');
    writeFileSync(passwordFile, `${broker.operator.password}\n`);
    chmodSync(passwordFile, 0o600);
    gateway = await mqtt.connectAsync(broker.mqttUrl, broker.admin);
    const status = { state: 'online', gateway: 'gw-1', site: 'port', version: '0.1.0', time: new Date().toISOString() };
    await gateway.publishAsync(topics.status('gw-1'), JSON.stringify(status), { qos: 1, retain: true });
    let n = 0;
    publishing = setInterval(() => {
      n++;
      const ns = BigInt(Date.now()) * 1_000_000n;
      gateway.publish(topics.data('gw-1', 'pm-1'), `air_quality,sensor=sds011 pm2_5_ugm3=${n}.5,pm10_ugm3=9 ${ns}`);
      gateway.publish(topics.data('gw-2', 'pm-1'), `air_quality pm2_5_ugm3=99 ${ns}`);
      if (n % 3 === 0) gateway.publish(topics.data('gw-1', 'pm-1'), 'air_quality pm2_5_ugm3= oops');
    }, 200);
  });

  afterAll(async () => {
    clearInterval(publishing);
    await gateway?.endAsync();
    await broker?.stop();
  });

  it('prints readings of one gateway with units, tells unreadable messages on stderr, and stops after --count', async () => {
    const cli = watch([
      '--url',
      broker.mqttUrl,
      '-u',
      'operator',
      '--password-file',
      passwordFile,
      '-g',
      'gw-1',
      '-n',
      '5',
    ]);
    const code = await exited(cli);
    const out = cli.output();
    expect(code, out).toBe(0);
    expect(out).toMatch(/gw-1 {2}online {2}site port · v0\.1\.0/);
    expect(out).toMatch(
      /gw-1\/pm-1 {2}air_quality \[sensor=sds011\] {2}pm2_5_ugm3=\d+\.5 µg\/m³ {2}pm10_ugm3=9 µg\/m³/,
    );
    expect(out.match(/gw-1\/pm-1 {2}air_quality/g)?.length).toBe(5);
    expect(out).not.toContain('gw-2');
    expect(out).toMatch(/unreadable message on tidegate\/gw-1\/data\/pm-1: data: line 1, column \d+/);
    expect(out).not.toContain(broker.operator.password);
  });

  it('takes the password from TIDEGATE_PASSWORD and shows a reading line as it arrives', async () => {
    const cli = watch(['--url', broker.mqttUrl, '-u', 'operator', '-g', 'gw-1', '-d', 'pm-1'], {
      TIDEGATE_PASSWORD: broker.operator.password,
    });
    try {
      await waitFor(() => /gw-1\/pm-1 {2}air_quality/.test(cli.output()), 'a reading line from tidegate watch', 30_000);
    } finally {
      await cli.stop('SIGINT');
    }
    expect(cli.child.exitCode).toBe(0);
  });

  it('says clearly when the broker refuses the password, and exits non-zero', async () => {
    const cli = watch(['--url', broker.mqttUrl, '-u', 'operator'], { TIDEGATE_PASSWORD: 'wrong-password-123' });
    const code = await exited(cli);
    expect(code).toBe(1);
    expect(cli.output()).toContain('refused the user name or password');
    expect(cli.output()).not.toContain('wrong-password-123');
  });
});
