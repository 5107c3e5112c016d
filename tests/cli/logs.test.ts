import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { testConfigYaml } from '../../edge/testing/agent-config.js';
import {
  findBinary,
  freePort,
  removeTempDir,
  spawnService,
  tempDir,
  useAedes,
  useInflux,
  usePtyPair,
  waitFor,
} from '../harness/index.js';
import { CLI } from './run.js';

/** What a technician and journald see of the real processes: readable on a terminal, JSON otherwise. */
describe('logs of the edge agent and the broker', () => {
  const dir = tempDir();
  const pty = usePtyPair();
  const aedes = useAedes();
  const influx = useInflux();
  afterAll(() => removeTempDir(dir));

  const edgeConfig = (name: string) => {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(
      file,
      testConfigYaml({
        dir: join(dir, name),
        url: aedes().url,
        logLevel: 'info',
        devices: [`{ id: pm-1, driver: sds011, port: ${pty().a} }`],
      }),
    );
    return file;
  };

  it('prints readable lines on a terminal (a real PTY through script) and JSON lines otherwise', async () => {
    const script = findBinary('script');
    if (!script) throw new Error('"script" (util-linux) is needed to give the agent a terminal');
    const file = edgeConfig('tty');
    const onTty = spawnService(script, ['-qfec', `node ${CLI} edge -c ${file}`, '/dev/null']);
    await waitFor(() => onTty.output().includes('edge agent started'), 'the agent to start on a terminal', 30_000);
    await onTty.stop();
    const line = onTty
      .output()
      .split('\n')
      .find((l) => l.includes('edge agent started'))!;
    expect(line).toMatch(/\d\d:\d\d:\d\d\.\d{3}.*INFO.*edge agent started/);
    expect(line).not.toContain('{"level"');

    const piped = spawnService('node', [CLI, 'edge', '-c', file]);
    await waitFor(() => piped.output().includes('edge agent started'), 'the agent to start, piped', 30_000);
    await piped.stop();
    const json = piped
      .output()
      .split('\n')
      .find((l) => l.includes('edge agent started'))!;
    expect(JSON.parse(json)).toMatchObject({ level: 30, msg: 'edge agent started', gateway: 'gw-test' });
  }, 90_000);

  it('logs device_down at warn when a device goes away, and a clean stop is no device_down', async () => {
    const file = edgeConfig('stop');
    const events: string[] = [];
    const watcher = await mqtt.connectAsync(aedes().url, { protocolVersion: 4 });
    await watcher.subscribeAsync(['tidegate/gw-test/events', 'tidegate/gw-test/data/#'], { qos: 1 });
    let data = 0;
    watcher.on('message', (topic, payload) => {
      if (topic.endsWith('/events')) events.push(JSON.parse(payload.toString()).type);
      else data++;
    });
    const simulator = spawnService('node', [CLI, 'simulate', 'sds011', '--port', pty().b, '--interval', '100']);
    const agent = spawnService('node', [CLI, 'edge', '-c', file]);
    try {
      const logLines = () =>
        agent
          .output()
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l));
      await waitFor(() => logLines().some((l) => l.msg === 'edge agent started'), 'the agent to start', 30_000);
      await waitFor(() => data > 0, 'readings of pm-1 at the broker', 30_000);
      await simulator.stop();
      await pty().stop(); // the cable pulled
      await waitFor(() => events.includes('device_down'), 'a device_down event', 30_000);
      const down = logLines().find((l) => l.msg === 'device_down');
      expect(down?.level).toBe(40); // warn
      await pty().restart();
      await waitFor(() => events.includes('device_up'), 'a device_up event', 30_000);

      const before = events.length;
      await agent.stop(); // SIGTERM: a clean stop
      expect(agent.child.exitCode).toBe(0);
      await new Promise((r) => setTimeout(r, 500));
      expect(events.slice(before)).not.toContain('device_down');
      const afterUp = logLines().slice(logLines().findIndex((l) => l.msg === 'device_up'));
      expect(afterUp.filter((l) => l.msg === 'device_down')).toEqual([]);
      expect(afterUp.filter((l) => l.level >= 40)).toEqual([]);
    } finally {
      await simulator.stop();
      await agent.stop();
      await watcher.endAsync();
    }
  }, 120_000);

  it('the broker says in one readable line where MQTT, the dashboard and InfluxDB are', async () => {
    const [mqttPort, httpPort] = [await freePort(), await freePort()];
    const config = join(dir, 'broker.yaml');
    writeFileSync(join(dir, 'users.yaml'), 'users: {}\n');
    writeFileSync(
      config,
      `usersFile: users.yaml
listeners:
  mqtt: { host: 127.0.0.1, port: ${mqttPort} }
  http: { host: 127.0.0.1, port: ${httpPort} }
ingest:
  enabled: true
  influx: { url: "${influx().url}", database: logs_test }
  spill: { path: ${join(dir, 'spill.db')} }
`,
    );
    const broker = spawnService('node', [CLI, 'broker', '-c', config], {
      env: { ...process.env, TIDEGATE_LOG_FORMAT: 'pretty' },
    });
    try {
      await waitFor(() => broker.output().includes('broker ready'), 'the broker ready line', 30_000).catch((e) => {
        throw new Error(`${e.message}\n${broker.output()}`);
      });
      const line = broker
        .output()
        .split('\n')
        .find((l) => l.includes('broker ready'))!;
      expect(line).toContain(`broker ready: MQTT mqtt://127.0.0.1:${mqttPort}`);
      expect(line).toContain(`dashboard http://127.0.0.1:${httpPort}/`);
      expect(line).toContain(`InfluxDB ${influx().url} (database logs_test)`);
      expect(line).not.toContain('{"level"');
    } finally {
      await broker.stop();
    }
  }, 90_000);
});
