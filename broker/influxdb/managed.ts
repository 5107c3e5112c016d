import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/**
 * An InfluxDB 1.x server run as a child process in a folder of its own, for the one-machine demo
 * and the tests: `influxd run -config <dir>/influxdb.conf`, listening on loopback only.
 */
export interface ManagedInfluxOptions {
  /** Folder for config, meta, data and WAL; created if missing. */
  dir: string;
  /** HTTP port; a free one when omitted. */
  port?: number;
  influxdBinary?: string;
  /** Continuous queries run every this often (InfluxDB's default is 1s). */
  cqRunInterval?: string;
  authEnabled?: boolean;
  /** Where influxd's own log goes; kept in memory (last 20 kB) when omitted. */
  onLog?: (chunk: string) => void;
}

export interface ManagedInflux {
  url: string;
  port: number;
  dir: string;
  child: ChildProcess;
  /** The last lines influxd wrote. */
  log(): string;
  stop(): Promise<void>;
}

export class InfluxdMissingError extends Error {
  constructor(binary: string) {
    super(
      `"${binary}" was not found: install InfluxDB 1.x (Debian: sudo apt-get install -y influxdb influxdb-client) or set an InfluxDB URL in the config`,
    );
    this.name = 'InfluxdMissingError';
  }
}

export function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function configText(dir: string, httpPort: number, rpcPort: number, options: ManagedInfluxOptions): string {
  return `reporting-enabled = false
bind-address = "127.0.0.1:${rpcPort}"

[meta]
  dir = "${join(dir, 'meta')}"
  logging-enabled = false

[data]
  dir = "${join(dir, 'data')}"
  wal-dir = "${join(dir, 'wal')}"
  query-log-enabled = false
  wal-fsync-delay = "0s"

[http]
  enabled = true
  bind-address = "127.0.0.1:${httpPort}"
  auth-enabled = ${options.authEnabled ? 'true' : 'false'}
  log-enabled = false
  max-body-size = 0

[monitor]
  store-enabled = false

[ifql]
  enabled = false

[continuous_queries]
  enabled = true
  log-enabled = false
  run-interval = "${options.cqRunInterval ?? '1s'}"

[logging]
  # info, so that startup can see "Listening on HTTP" for its own port (see startOnce).
  level = "info"
`;
}

/**
 * Starts influxd and resolves once it serves. Ports are picked free but another process may take one
 * between the pick and influxd's bind; then influxd exits and is started again on other ports.
 */
export async function startManagedInflux(options: ManagedInfluxOptions): Promise<ManagedInflux> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options);
    } catch (e) {
      if (!(e instanceof PortTakenError) || options.port !== undefined || attempt >= 5) throw e;
    }
  }
}

class PortTakenError extends Error {}

async function startOnce(options: ManagedInfluxOptions): Promise<ManagedInflux> {
  const binary = options.influxdBinary ?? 'influxd';
  const dir = options.dir;
  mkdirSync(dir, { recursive: true });
  const port = options.port ?? (await freeTcpPort());
  const rpcPort = await freeTcpPort();
  const configPath = join(dir, 'influxdb.conf');
  writeFileSync(configPath, configText(dir, port, rpcPort, options));

  const child = spawn(binary, ['run', '-config', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const keep = (chunk: Buffer) => {
    const text = chunk.toString();
    log = (log + text).slice(-20_000);
    options.onLog?.(text);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'ENOENT' ? new InfluxdMissingError(binary) : e),
    );
  });

  const url = `http://127.0.0.1:${port}`;
  // Another influxd on the same port would answer /ping too: wait until ours says it listens there.
  const listening = new RegExp(`Listening on HTTP.*127\\.0\\.0\\.1:${port}\\b`);
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      if (/address already in use/.test(log))
        throw new PortTakenError(`influxd: port ${port} or ${rpcPort} is already in use`);
      throw new Error(`influxd exited with code ${child.exitCode}:\n${log.slice(-2000)}`);
    }
    if (listening.test(log)) {
      try {
        const res = await fetch(`${url}/ping`);
        if (res.status === 204) break;
      } catch {
        // not answering yet
      }
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`influxd did not serve on port ${port} within 30 s:\n${log.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }

  return {
    url,
    port,
    dir,
    child,
    log: () => log,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
