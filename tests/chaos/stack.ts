import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { addUser } from '../../broker/server/index.js';
import { freePort, type PtyPair, type Service, spawnService, startPtyPair, waitFor } from '../harness/index.js';
import { scrapeEdge } from './counts.js';
import { TcpProxy } from './tcp-proxy.js';

const CLI = new URL('../../bin/tidegate.js', import.meta.url).pathname;
const QUIET = { ...process.env, TIDEGATE_LOG_LEVEL: 'info' };

export interface EdgeHandle {
  id: string;
  dir: string;
  config: string;
  healthPort: number;
  /** The device ids this edge reads (a Modbus TCP meter and an SDS011 on a PTY). */
  devices: string[];
  process: Service | undefined;
  pty: PtyPair;
  modbusPort: number;
  sds011: Service | undefined;
  modbus: Service | undefined;
}

export interface StackOptions {
  dir: string;
  influxUrl: string;
  database: string;
  edges: number;
  /** Milliseconds between SDS011 frames (the simulator's --interval). */
  sds011IntervalMs?: number;
  /** The Modbus meter's polling period, as the gateway config writes it. */
  modbusEvery?: string;
  /** Replay message size: small messages make a backlog drain last long enough to be hit. */
  maxMessageBytes?: string;
  /** Extra SDS011 simulator arguments (e.g. a fault every n frames). */
  sds011Args?: string[];
}

/**
 * The whole chain as an operator runs it, every part a `tidegate` process: broker (SQLite sessions,
 * the standalone ingestor's durable session), `tidegate ingest`, and edges reading a simulated Modbus
 * TCP meter and a simulated SDS011 on a virtual serial line. The edges reach the broker through a TCP
 * proxy that can cut the network. InfluxDB is the caller's (tests/harness).
 */
export class ChaosStack {
  readonly edges: EdgeHandle[] = [];
  broker: Service | undefined;
  ingestor: Service | undefined;
  brokerPort = 0;
  brokerHttpPort = 0;
  ingestHttpPort = 0;
  proxy: TcpProxy | undefined;
  private brokerConfig = '';
  private ingestConfig = '';

  constructor(readonly options: StackOptions) {}

  async init(): Promise<void> {
    const { dir } = this.options;
    mkdirSync(dir, { recursive: true });
    this.brokerPort = await freePort();
    this.brokerHttpPort = await freePort();
    this.ingestHttpPort = await freePort();
    const usersFile = join(dir, 'users.yaml');
    const ingest = await addUser(usersFile, 'ingest', 'ingestor');
    writeFileSync(join(dir, 'ingest.secret'), `${ingest.password}\n`, { mode: 0o600 });
    this.brokerConfig = join(dir, 'broker.yaml');
    writeFileSync(
      this.brokerConfig,
      [
        'usersFile: users.yaml',
        `listeners: { mqtt: { host: 127.0.0.1, port: ${this.brokerPort} }, http: { host: 127.0.0.1, port: ${this.brokerHttpPort} } }`,
        'persistence: { type: sqlite, path: broker-sessions.db }',
        'durableSessions: [{ clientId: tidegate-ingestor, topics: ["tidegate/+/data/+"] }]',
        '',
      ].join('\n'),
    );
    this.ingestConfig = join(dir, 'ingest.yaml');
    writeFileSync(
      this.ingestConfig,
      [
        `mqtt: { url: "mqtt://127.0.0.1:${this.brokerPort}", username: ingest, passwordFile: ingest.secret }`,
        `influx: { url: "${this.options.influxUrl}", database: ${this.options.database} }`,
        'spill: { path: ingest-queue.db }',
        'batch: { maxPoints: 2000, maxDelayMs: 200 }',
        'retry: { minMs: 100, maxMs: 1000 }',
        `http: { host: 127.0.0.1, port: ${this.ingestHttpPort} }`,
        '',
      ].join('\n'),
    );
    this.proxy = new TcpProxy(this.brokerPort);
    await this.proxy.start();
    for (let i = 0; i < this.options.edges; i++) this.edges.push(await this.prepareEdge(i, usersFile));
  }

  private async prepareEdge(i: number, usersFile: string): Promise<EdgeHandle> {
    const id = `gw-chaos-${String.fromCharCode(97 + i)}`;
    const dir = join(this.options.dir, id);
    mkdirSync(dir, { recursive: true });
    const user = await addUser(usersFile, id, 'gateway');
    writeFileSync(join(dir, 'mqtt.secret'), `${user.password}\n`, { mode: 0o600 });
    const pty = await startPtyPair();
    const modbusPort = await freePort();
    const healthPort = await freePort();
    const config = join(dir, 'gateway.yaml');
    writeFileSync(
      config,
      [
        `gateway: { id: ${id}, site: chaos }`,
        `mqtt: { url: "mqtt://127.0.0.1:${this.proxy!.port}", username: ${id}, passwordFile: mqtt.secret, keepalive: 5s,`,
        `  reconnectMin: 100ms, reconnectMax: 1s, statusEvery: 2s, maxMessageBytes: ${this.options.maxMessageBytes ?? '4KiB'} }`,
        'buffer: { path: buffer.db, flushEvery: 100ms }',
        'privacy: { keyFile: pseudonym.key }',
        'clock: { check: year }',
        `health: { listen: "127.0.0.1:${healthPort}" }`,
        'devices:',
        `  - { id: meter-1, driver: modbus, host: 127.0.0.1, port: ${modbusPort}, unit: 1, profile: sdm630, every: ${this.options.modbusEvery ?? '200ms'} }`,
        `  - { id: pm-1, driver: sds011, port: ${pty.a} }`,
        '',
      ].join('\n'),
    );
    return {
      id,
      dir,
      config,
      healthPort,
      devices: ['meter-1', 'pm-1'],
      process: undefined,
      pty,
      modbusPort,
      sds011: undefined,
      modbus: undefined,
    };
  }

  async startBroker(): Promise<void> {
    this.broker = spawnService('node', [CLI, 'broker', '--config', this.brokerConfig], { env: QUIET });
    await answers(this.broker, `http://127.0.0.1:${this.brokerHttpPort}/health`, 'the broker');
  }

  async stopBroker(signal: NodeJS.Signals): Promise<void> {
    await this.broker?.stop(signal);
    this.broker = undefined;
  }

  /** `connected: false` when the broker is down: the ingestor keeps trying on its own. */
  async startIngestor({ connected = true } = {}): Promise<void> {
    const service = spawnService('node', [CLI, 'ingest', '--config', this.ingestConfig], { env: QUIET });
    this.ingestor = service;
    if (connected)
      await waitFor(
        () => /broker (connected|back after)/.test(service.output()),
        'the ingestor to connect',
        90_000,
        50,
      );
  }

  async stopIngestor(signal: NodeJS.Signals): Promise<void> {
    await this.ingestor?.stop(signal);
    this.ingestor = undefined;
  }

  /** Readings waiting in the edges' buffers. */
  async backlog(): Promise<number> {
    let n = 0;
    for (const edge of this.edges) if (edge.process) n += (await scrapeEdge(edge)).backlog;
    return n;
  }

  /** Until the edges' backlog has begun to shrink (they reconnected and replay). */
  async waitForDrainStart(from: number): Promise<void> {
    await waitFor(async () => (await this.backlog()) < from, 'the backlog drain to start', 30_000, 10);
  }

  startSimulators(edge: EdgeHandle): void {
    edge.sds011 = this.startSds011(edge, this.options.sds011Args ?? []);
    edge.modbus = spawnService('node', [
      CLI,
      'simulate',
      'modbus',
      '--profile',
      'sdm630',
      '--tcp',
      String(edge.modbusPort),
    ]);
  }

  /** An SDS011 simulator on the edge's PTY (the caller keeps the handle). */
  startSds011(edge: EdgeHandle, args: string[]): Service {
    const interval = String(this.options.sds011IntervalMs ?? 50);
    return spawnService('node', [CLI, 'simulate', 'sds011', '--port', edge.pty.b, '--interval', interval, ...args]);
  }

  /** Freezes (SIGSTOP) or thaws (SIGCONT) the simulators: devices go quiet at once and come back at once. */
  freezeSimulators(edge: EdgeHandle, frozen: boolean): void {
    for (const sim of [edge.sds011, edge.modbus]) sim?.child.kill(frozen ? 'SIGSTOP' : 'SIGCONT');
  }

  async stopSimulators(edge: EdgeHandle): Promise<void> {
    this.freezeSimulators(edge, false);
    await Promise.all([edge.sds011?.stop(), edge.modbus?.stop()]);
    edge.sds011 = undefined;
    edge.modbus = undefined;
  }

  async startEdge(edge: EdgeHandle): Promise<void> {
    edge.process = spawnService('node', [CLI, 'edge', '--config', edge.config], { env: QUIET, cwd: edge.dir });
    await answers(edge.process, `http://127.0.0.1:${edge.healthPort}/health`, edge.id);
  }

  async stopEdge(edge: EdgeHandle, signal: NodeJS.Signals): Promise<void> {
    await edge.process?.stop(signal);
    edge.process = undefined;
  }

  /** Everything down, in the order an operator would stop it. */
  async dispose(): Promise<void> {
    for (const edge of this.edges) {
      await this.stopEdge(edge, 'SIGTERM');
      await this.stopSimulators(edge);
      await edge.pty.dispose();
    }
    await this.stopIngestor('SIGTERM');
    await this.stopBroker('SIGTERM');
    await this.proxy?.stop();
  }
}

/** Until the process answers on `url`; fails at once, with what it printed, if it exits. */
async function answers(service: Service, url: string, what: string): Promise<void> {
  await waitFor(
    async () => {
      if (service.child.exitCode !== null) throw new Error(`${what} exited: ${service.output().slice(-1500)}`);
      return (await fetch(url)).status > 0;
    },
    `${what} to answer ${url}`,
    90_000,
    50,
  ).catch((e: Error) => {
    throw new Error(`${e.message}\n${what} printed: ${service.output().slice(-1500)}`);
  });
}
