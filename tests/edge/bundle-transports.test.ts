import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebSocketStream, WebSocketServer } from 'ws';
import { testConfigYaml } from '../../edge/testing/agent-config.js';
import {
  removeTempDir,
  selfSignedCertificate,
  spawnService,
  startAedes,
  type TestAedes,
  tempDir,
  waitFor,
} from '../harness/index.js';
import { BrokerRecorder } from './recorder.js';

const CLI = new URL('../../bin/tidegate.js', import.meta.url).pathname;
const BUNDLE = new URL('../../dist/bundle/edge-cli.js', import.meta.url).pathname;

/**
 * `tidegate edge` runs the bundle, where mqtt.js's TLS and WebSocket transports (and the ws package) are
 * loaded on first use instead of at start-up (scripts/bundle-lean.mjs): each must still carry the
 * agent's messages. One aedes behind three listeners: plain TCP, TLS, WebSocket.
 */
describe('tidegate edge (the bundle) over each MQTT transport', () => {
  const dir = tempDir();
  let aedes: TestAedes;
  let recorder: BrokerRecorder;
  const closers: (() => void)[] = [];
  let tlsPort = 0;
  let wsPort = 0;
  let cert = '';

  beforeAll(async () => {
    aedes = await startAedes();
    recorder = new BrokerRecorder(aedes);
    const pair = selfSignedCertificate(dir, 'broker');
    cert = pair.cert;
    const tls = createTlsServer({ cert: readFileSync(pair.cert), key: readFileSync(pair.key) }, (socket) =>
      aedes.broker.handle(socket),
    );
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
    tlsPort = (tls.address() as AddressInfo).port;
    const http = createHttpServer();
    const wss = new WebSocketServer({ server: http });
    wss.on('connection', (ws, req) => aedes.broker.handle(createWebSocketStream(ws) as never, req as never));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    wsPort = (http.address() as AddressInfo).port;
    closers.push(
      () => tls.close(),
      () => wss.close(),
      () => http.close(),
    );
  }, 30_000);

  afterAll(async () => {
    for (const close of closers) close();
    await aedes?.stop();
    removeTempDir(dir);
  });

  /** The URL (and extra mqtt settings) of each listener, known once they listen. */
  const transports: Record<string, () => { url: string; mqtt?: string }> = {
    'mqtt://': () => ({ url: aedes.url }),
    'mqtts://': () => ({ url: `mqtts://127.0.0.1:${tlsPort}`, mqtt: `caFile: ${cert}` }),
    'ws://': () => ({ url: `ws://127.0.0.1:${wsPort}` }),
  };

  it('is the bundle that runs', () => {
    expect(existsSync(BUNDLE), 'run `npm run build` first').toBe(true);
  });

  it.each(Object.keys(transports))(
    'publishes its online status over %s',
    async (name) => {
      const transport = transports[name]!();
      const index = Object.keys(transports).indexOf(name);
      const config = join(dir, `gateway-${index}.yaml`);
      writeFileSync(config, testConfigYaml({ dir, url: transport.url, devices: [], mqtt: transport.mqtt }));
      recorder.statuses.length = 0;
      const agent = spawnService('node', [CLI, 'edge', '--config', config]);
      try {
        await waitFor(
          () => recorder.statuses.some((s) => s.state === 'online'),
          `the online status over ${name}: ${agent.output()}`,
          30_000,
        );
        await agent.stop('SIGTERM');
        expect(agent.child.exitCode).toBe(0);
      } finally {
        await agent.stop('SIGKILL');
      }
    },
    60_000,
  );
});
