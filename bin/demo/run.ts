import { createWriteStream, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pino } from 'pino';
import { freeTcpPort, type ManagedInflux, startManagedInflux } from '../../broker/influxdb/managed.js';
import { addUser, generatePassword, type RunningBroker, startBroker } from '../../broker/server/index.js';
import { demoGatewayConfig } from './gateway-config.js';
import { lockDataDir } from './lock.js';
import { ProcessGroup } from './processes.js';
import { printSampleQuery, waitForEveryDriver } from './sample-query.js';

export interface DemoOptions {
  dataDir: string;
  influxUrl?: string;
  mqttPort: string;
  httpPort: string;
  verbose?: boolean;
}

const DATABASE = 'tidegate';

/**
 * The demo's carbon settings: the road counter's segment length and its numbered classes, so that
 * `tidegate carbon compute` converts its vehicle counts too (a site writes its own; see docs/data.md).
 */
const DEMO_CARBON_CONFIG = `# Written by tidegate demo.
traffic:
  segmentsKm: { road-d937: 0.85 }            # the counted stretch of the D937, km per vehicle
  classes: { "1": car, "2": lgv, "3": hgv }  # the counter numbers its classes by vehicle length
`;

/**
 * The whole stack on one machine, each part started the way an operator would start it: InfluxDB
 * (unless a URL is given), the broker with its in-process ingestor, device simulators on virtual serial
 * lines and Modbus TCP, and a gateway reading them. Ctrl-C stops everything.
 */
export async function runDemo(options: DemoOptions): Promise<void> {
  const dir = resolve(options.dataDir);
  const runDir = join(dir, 'run');
  const say = (text: string) => process.stdout.write(`${text}\n`);
  mkdirSync(dir, { recursive: true });
  let release: () => void;
  try {
    release = await lockDataDir(dir, say);
  } catch (e) {
    say(`tidegate demo: ${(e as Error).message}`);
    process.exitCode = 1;
    return;
  }
  const startedAt = Date.now();
  rmSync(runDir, { recursive: true, force: true });
  mkdirSync(join(runDir, 'tty'), { recursive: true });
  mkdirSync(join(dir, 'logs'), { recursive: true });

  const logs = new Map<string, ReturnType<typeof createWriteStream>>();
  const group = new ProcessGroup((name, line) => {
    if (!logs.has(name)) logs.set(name, createWriteStream(join(dir, 'logs', `${name}.log`), { flags: 'a' }));
    logs.get(name)?.write(`${line}\n`);
    if (options.verbose) say(`[${name}] ${line}`);
  });

  let influx: ManagedInflux | undefined;
  let broker: RunningBroker | undefined;
  let stopping: Promise<void> | undefined;
  const stopAll = () => {
    stopping ??= (async () => {
      say('\nstopping the demo...');
      await group.stopAll();
      await broker?.close({ drainMs: 3_000 });
      await influx?.stop();
      for (const stream of logs.values()) stream.end();
      release();
      say('stopped.');
    })();
    return stopping;
  };
  const interrupted = new Promise<void>((done) => {
    const onSignal = () => void stopAll().then(done);
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });

  try {
    say(
      'tidegate demo: starting InfluxDB, the broker and ingestor, six simulated devices, a partner API and a gateway...',
    );
    let influxUrl = options.influxUrl;
    if (!influxUrl) {
      influx = await startManagedInflux({ dir: join(dir, 'influxdb') });
      influxUrl = influx.url;
    }

    const usersFile = join(runDir, 'users');
    const gateway = await addUser(usersFile, 'gw-demo', 'gateway', generatePassword());
    const operator = await addUser(usersFile, 'operator', 'operator', generatePassword());
    const gatewaySecret = join(runDir, 'gw-demo.secret');
    writeFileSync(gatewaySecret, `${gateway.password}\n`, { mode: 0o600 });
    const operatorSecret = join(runDir, 'operator.secret');
    writeFileSync(operatorSecret, `${operator.password}\n`, { mode: 0o600 });

    const brokerLog = pino(
      { name: 'broker', level: 'info' },
      pino.destination({ dest: join(dir, 'logs', 'broker.log'), mkdir: true }),
    );
    broker = await startBroker(
      {
        usersFile,
        listeners: { mqtt: { port: Number(options.mqttPort) }, http: { port: Number(options.httpPort) } },
        persistence: { type: 'sqlite', path: join(dir, 'broker-sessions.db') },
        ingest: {
          enabled: true,
          influx: { url: influxUrl, database: DATABASE },
          spill: { path: join(dir, 'ingest-queue.db') },
        },
        events: { path: join(dir, 'broker-events.db') },
      },
      { logger: brokerLog },
    );

    const tty = (name: string) => group.ptyPair(`socat-${name}`, join(runDir, 'tty', name));
    const [sds011, teleinfoH, teleinfoS, traffic, rs485] = await Promise.all(
      ['sds011', 'teleinfo-historique', 'teleinfo-standard', 'traffic', 'rs485'].map(tty),
    );
    const sdm630Tcp = await freeTcpPort();
    group.tidegate('sim-sds011', ['simulate', 'sds011', '--port', sds011!.a]);
    group.tidegate('sim-linky-h', ['simulate', 'teleinfo', '--mode', 'historique', '--port', teleinfoH!.a]);
    group.tidegate('sim-linky-s', ['simulate', 'teleinfo', '--mode', 'standard', '--port', teleinfoS!.a]);
    group.tidegate('sim-traffic', ['simulate', 'traffic', '--port', traffic!.a]);
    group.tidegate('sim-sdm630', ['simulate', 'modbus', '--profile', 'sdm630', '--tcp', String(sdm630Tcp)]);
    group.tidegate('sim-s8', ['simulate', 'modbus', '--profile', 'senseair-s8', '--port', rs485!.a]);
    const partnerPort = await freeTcpPort();
    group.tidegate('sim-partner', ['simulate', 'http', '--listen', `127.0.0.1:${partnerPort}`]);

    const gatewayConfig = join(runDir, 'gateway.yaml');
    const healthPort = await freeTcpPort();
    writeFileSync(
      gatewayConfig,
      demoGatewayConfig({
        dir: runDir,
        mqttUrl: broker.mqttUrl!,
        passwordFile: gatewaySecret,
        healthPort,
        ports: {
          sds011: sds011!.b,
          teleinfoHistorique: teleinfoH!.b,
          teleinfoStandard: teleinfoS!.b,
          traffic: traffic!.b,
          rs485: rs485!.b,
          sdm630Tcp,
          partnerApi: `http://127.0.0.1:${partnerPort}`,
        },
      }),
    );
    group.tidegate('edge', ['edge', '--config', gatewayConfig]);
    const carbonConfig = join(runDir, 'carbon.yaml');
    writeFileSync(carbonConfig, DEMO_CARBON_CONFIG);

    say(`
  Dashboard        ${broker.httpUrl}/    (user "operator", password in ${operatorSecret})
  MQTT             ${broker.mqttUrl}  (WebSocket ${broker.wsUrl})
  InfluxDB         ${influxUrl}  database "${DATABASE}"${influx ? `  (data in ${influx.dir})` : ''}
  Gateway          gw-demo, config ${gatewayConfig}, health http://127.0.0.1:${healthPort}/health
  Live feed        npx tidegate watch --url ${broker.mqttUrl} -u operator --password-file ${operatorSecret}
  Carbon           npx tidegate carbon compute -c ${carbonConfig} --influx-url ${influxUrl} --from now-1h
  Logs             ${join(dir, 'logs')}/
  Ctrl-C stops everything.
`);

    const arrived = await Promise.race([
      waitForEveryDriver(influxUrl, DATABASE, 90_000, startedAt),
      interrupted.then(() => false),
    ]);
    if (stopping) return await stopping;
    if (arrived) await printSampleQuery(influxUrl, DATABASE, say);
    else say('Not every driver has delivered readings yet; see the logs folder.');
    await interrupted;
  } catch (e) {
    say(`demo failed: ${(e as Error).message}`);
    await stopAll();
    process.exitCode = 1;
  }
}
