import { createServer, type Server } from 'node:net';
import { Aedes, type AedesOptions } from 'aedes';
import { afterAll, beforeAll } from 'vitest';
import { freePort } from './ports.js';

/** A plain aedes broker in this process on a free port: the reference peer (no auth, no ACL). */
export interface TestAedes {
  url: string;
  port: number;
  broker: Aedes;
  /** Stops accepting and drops every client (a broker outage); `start()` brings it back on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
}

export async function startAedes(options: Partial<AedesOptions> = {}, fixedPort?: number): Promise<TestAedes> {
  const port = fixedPort ?? (await freePort());
  let broker: Aedes;
  let server: Server | undefined;
  const handle = {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    get broker() {
      return broker;
    },
    async start() {
      broker = await Aedes.createBroker(options);
      const srv = createServer(broker.handle);
      await new Promise<void>((resolve, reject) => {
        srv.once('error', reject);
        srv.listen(port, '127.0.0.1', () => resolve());
      });
      server = srv;
    },
    async stop() {
      const srv = server;
      server = undefined;
      if (!srv) return;
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => srv.close(() => resolve()));
    },
  };
  await handle.start();
  return handle as TestAedes;
}

export function useAedes(options: Partial<AedesOptions> = {}): () => TestAedes {
  let broker: TestAedes | undefined;
  beforeAll(async () => {
    broker = await startAedes(options);
  });
  afterAll(async () => {
    await broker?.stop();
  });
  return () => {
    if (!broker) throw new Error('aedes did not start (see beforeAll)');
    return broker;
  };
}
