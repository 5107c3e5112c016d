import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { requireBinary } from './binaries.js';
import { removeTempDir, type Service, spawnService, tempDir } from './cleanup.js';
import { freePort, waitFor } from './ports.js';

/** A Mosquitto broker on a free loopback port, anonymous by default; the second broker tidegate must work with. */
export interface TestMosquitto {
  url: string;
  port: number;
  /** Stops the broker (an outage); `start()` brings it back on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it for good and removes its folder. */
  dispose(): Promise<void>;
}

export interface MosquittoOptions {
  /** Extra lines for mosquitto.conf (e.g. a password_file). */
  extraConfig?: string;
  /** Per-client queue limit; Mosquitto's default of 1000 drops QoS 1 messages to a slow subscriber. */
  maxQueuedMessages?: number;
}

function tcpOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function startMosquitto(options: MosquittoOptions = {}): Promise<TestMosquitto> {
  const binary = requireBinary('mosquitto', 'mosquitto');
  const dir = tempDir('tidegate-mosquitto-');
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      'persistence false',
      `max_queued_messages ${options.maxQueuedMessages ?? 1000}`,
      'log_dest stderr',
      'log_type error',
      options.extraConfig ?? '',
    ].join('\n'),
  );
  let service: Service | undefined;
  const handle: TestMosquitto = {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    async start() {
      service = spawnService(binary, ['-c', conf]);
      await waitFor(() => tcpOpen(port), `mosquitto on port ${port}`, 10_000);
    },
    async stop() {
      await service?.stop();
      service = undefined;
    },
    async dispose() {
      await handle.stop();
      removeTempDir(dir);
    },
  };
  await handle.start();
  return handle;
}

export function useMosquitto(options: MosquittoOptions = {}): () => TestMosquitto {
  let broker: TestMosquitto | undefined;
  beforeAll(async () => {
    broker = await startMosquitto(options);
  }, 20_000);
  afterAll(async () => {
    await broker?.dispose();
  });
  return () => {
    if (!broker) throw new Error('mosquitto did not start (see beforeAll)');
    return broker;
  };
}
