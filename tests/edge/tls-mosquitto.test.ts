import { execFileSync } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import mqtt from 'mqtt';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { startAgent } from '../../edge/agent/agent.js';
import { testConfig, testConfigYaml } from '../../edge/testing/agent-config.js';
import { testDrivers } from '../../edge/testing/counter-driver.js';
import {
  freePort,
  removeTempDir,
  requireBinary,
  selfSignedCertificate,
  spawnService,
  tempDir,
  waitFor,
} from '../harness/index.js';

const PASSWORD = 'correct-horse-battery-staple';

/** The agent against Mosquitto (the second broker tidegate must work with) over TLS, with a password from a file. */
describe('edge agent over mqtts with a password file, against Mosquitto', () => {
  const dir = tempDir();
  afterAll(() => removeTempDir(dir));

  it('publishes over TLS with the CA of the config, and no log line carries the password', async () => {
    const { cert, key } = selfSignedCertificate(dir, 'broker');
    const passwords = join(dir, 'passwords');
    execFileSync('mosquitto_passwd', ['-b', '-c', passwords, 'gw-test', PASSWORD], { stdio: 'ignore' });
    chmodSync(passwords, 0o600);
    const tlsPort = await freePort();
    // Mosquitto with a plain listener (the subscriber) and a TLS one (the gateway). As root, mosquitto
    // would drop to user "mosquitto", who cannot enter the test's private temp dir: "user root" then.
    const plainPort = await freePort();
    const conf = join(dir, 'mosquitto.conf');
    writeFileSync(
      conf,
      [
        `listener ${plainPort} 127.0.0.1`,
        'allow_anonymous true',
        process.getuid?.() === 0 ? 'user root' : '',
        `password_file ${passwords}`,
        `listener ${tlsPort} 127.0.0.1`,
        `certfile ${cert}`,
        `keyfile ${key}`,
        'log_dest stderr',
      ].join('\n'),
    );
    const mosquitto = spawnService(requireBinary('mosquitto', 'mosquitto'), ['-c', conf]);
    const broker = { url: `mqtt://127.0.0.1:${plainPort}`, dispose: () => mosquitto.stop() };
    await waitFor(() => mosquitto.output().includes('running'), `mosquitto to start: ${mosquitto.output()}`, 30_000);
    const secret = join(dir, 'mqtt.secret');
    writeFileSync(secret, `${PASSWORD}\n`, { mode: 0o600 });

    const subscriber = await mqtt.connectAsync(broker.url, { protocolVersion: 4 });
    const lines: string[] = [];
    subscriber.on('message', (_topic, payload) => lines.push(...payload.toString().split('\n')));
    await subscriber.subscribeAsync('tidegate/gw-test/data/+', { qos: 1 });

    let logs = '';
    const logger = pino(
      { level: 'debug' },
      new Writable({
        write: (chunk, _enc, done) => {
          logs += chunk;
          done();
        },
      }),
    );
    const drivers = testDrivers();
    const yaml = testConfigYaml({
      dir,
      url: `mqtts://127.0.0.1:${tlsPort}`,
      devices: ['{ id: c1, driver: counter, periodMs: 20, limit: 50 }'],
      mqtt: `username: gw-test, passwordFile: ${secret}, caFile: ${cert}`,
    });
    const agent = await startAgent(await testConfig(yaml, drivers), { drivers, logger });
    try {
      await waitFor(() => new Set(lines).size === 50, 'the 50 readings through mosquitto', 30_000);
      expect(agent.publisher.connected).toBe(true);
    } finally {
      await agent.stop();
      await subscriber.endAsync();
      await broker.dispose();
    }
    expect(logs).toContain('connected to the broker');
    expect(logs).not.toContain(PASSWORD);
  });
});
