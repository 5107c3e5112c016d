import { createServer, type Server, type Socket } from 'node:net';
import { Aedes } from 'aedes';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../tests/harness/index.js';
import { SqlitePersistence } from './sqlite-persistence.js';
import { storeBeforeAck } from './store-before-ack.js';

/**
 * The order on the broker side, seen from the socket: a PUBACK (first byte 0x40) written to the
 * publisher, and the persistence queueing the message for a persistent session.
 */
async function brokerWithLog(options: { hook: boolean; failStore?: boolean }) {
  const log: string[] = [];
  const persistence = new SqlitePersistence({ path: ':memory:' });
  const enqueue = persistence.outgoingEnqueueCombi.bind(persistence);
  persistence.outgoingEnqueueCombi = async (subs, packet) => {
    if (options.failStore) throw new Error('disk full');
    await enqueue(subs, packet);
    log.push(`stored ${packet.payload}`);
  };
  const aedes = await Aedes.createBroker({ persistence: persistence as never });
  const errors: string[] = [];
  if (options.hook) storeBeforeAck(aedes, (e) => errors.push(e.message));
  const port = await freePort();
  const server: Server = createServer((socket: Socket) => {
    const write = socket.write.bind(socket);
    socket.write = ((chunk: Buffer, ...rest: never[]) => {
      if (Buffer.isBuffer(chunk) && chunk[0] === 0x40) log.push('puback');
      return write(chunk, ...rest);
    }) as typeof socket.write;
    aedes.handle(socket);
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  // A persistent session (the ingestor's), away: every QoS 1 message is queued for it.
  const ingestor = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: 'ingestor', clean: false });
  await ingestor.subscribeAsync('data/#', { qos: 1 });
  await ingestor.endAsync();
  return {
    url: `mqtt://127.0.0.1:${port}`,
    log,
    errors,
    close: async () => {
      await new Promise<void>((r) => aedes.close(() => r()));
      await new Promise<void>((r) => server.close(() => r()));
      await persistence.destroy();
    },
  };
}

describe('store before ack', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  it('plain aedes writes the PUBACK before the message is stored (why the hook exists)', async () => {
    const broker = await brokerWithLog({ hook: false });
    close = broker.close;
    const gateway = await mqtt.connectAsync(broker.url, { clientId: 'gw' });
    await gateway.publishAsync('data/a', 'm1', { qos: 1 });
    await gateway.endAsync();
    expect(broker.log[0]).toMatch(/^puback/);
  });

  it('with the hook, every PUBACK follows the store of its message', async () => {
    const broker = await brokerWithLog({ hook: true });
    close = broker.close;
    const gateway = await mqtt.connectAsync(broker.url, { clientId: 'gw' });
    await Promise.all(Array.from({ length: 50 }, (_, i) => gateway.publishAsync('data/a', `m${i}`, { qos: 1 })));
    await gateway.endAsync();
    expect(broker.log.filter((l) => l.startsWith('stored'))).toHaveLength(50);
    expect(broker.log.filter((l) => l.startsWith('puback'))).toHaveLength(50);
    // Messages may be interleaved, but at any point there are no more PUBACKs than stores.
    let stored = 0;
    for (const entry of broker.log) {
      if (entry.startsWith('stored')) stored++;
      else expect(--stored).toBeGreaterThanOrEqual(0);
    }
  });

  it('a message that cannot be stored gets no PUBACK: the connection is closed and the gateway keeps it', async () => {
    const broker = await brokerWithLog({ hook: true, failStore: true });
    close = broker.close;
    const gateway = await mqtt.connectAsync(broker.url, { clientId: 'gw', reconnectPeriod: 0 });
    const closed = new Promise<void>((r) => gateway.once('close', () => r()));
    const acked = gateway.publishAsync('data/a', 'lost?', { qos: 1 }).then(
      () => 'acked',
      () => 'not acked',
    );
    await closed;
    expect(broker.log.filter((l) => l.startsWith('puback'))).toEqual([]);
    expect(broker.errors).toEqual(['disk full']);
    gateway.end(true);
    expect(await Promise.race([acked, new Promise((r) => setTimeout(() => r('pending'), 200))])).not.toBe('acked');
  });
});
