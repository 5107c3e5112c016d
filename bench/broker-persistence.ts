/**
 * What "nothing acknowledged is lost" costs: QoS 1 throughput of the tidegate broker with durable
 * SQLite sessions (PUBACK once the message is stored: broker/persistence/) against memory persistence,
 * and Mosquitto with `persistence true` as the peer, each in its own process, in the same run. One
 * gateway publishes, one persistent-session subscriber (clean: false, like the ingestor) receives
 * and acknowledges: the path every reading takes.
 *
 *   npx tsx bench/broker-persistence.ts          (BENCH_QUICK=1 for a short run)
 *
 * Mosquitto writes its persistence file every `autosave_interval` (1800 s by default), not per
 * message: it is faster and a crash loses what came since the last save. The figure is the peer for
 * speed, not for the guarantee.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { addUser } from '../broker/server/users.js';
import { freePort, requireBinary, tempDir, waitFor } from '../tests/harness/index.js';

const quick = process.env.BENCH_QUICK === '1';
const COUNT = quick ? 5_000 : 30_000;
const ROUNDS = quick ? 1 : 3;
const root = join(import.meta.dirname, '..');
const dir = tempDir('tidegate-bench-persistence-');
const children: ChildProcess[] = [];
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

interface Peer {
  name: string;
  url: string;
  publisher: mqtt.IClientOptions;
  subscriber: mqtt.IClientOptions;
  stop(): void;
}

function run(command: string, args: string[]): ChildProcess {
  const child = spawn(command, args, {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, TIDEGATE_LOG_LEVEL: 'error' },
  });
  children.push(child);
  return child;
}

async function up(url: string, options: mqtt.IClientOptions): Promise<boolean> {
  try {
    const c = await mqtt.connectAsync(url, { ...options, reconnectPeriod: 0, connectTimeout: 1000, clean: true });
    await c.endAsync();
    return true;
  } catch {
    return false;
  }
}

async function tidegatePeer(persistence: 'sqlite' | 'memory'): Promise<Peer> {
  const usersFile = join(dir, 'users.yaml');
  const gw = await addUser(usersFile, 'gw-bench', 'gateway');
  const ingest = await addUser(usersFile, 'ingest-bench', 'ingestor');
  const port = await freePort();
  const config = join(dir, `broker-${persistence}.yaml`);
  const store = persistence === 'sqlite' ? `{ type: sqlite, path: sessions-${port}.db }` : '{ type: memory }';
  writeFileSync(
    config,
    `usersFile: users.yaml\nlisteners: { mqtt: { port: ${port} } }\npersistence: ${store}\n` +
      'durableSessions: [{ clientId: bench-ingestor, topics: ["tidegate/+/data/+"] }]\n',
  );
  const child = run(process.execPath, ['bin/tidegate.js', 'broker', '--config', config]);
  const peer: Peer = {
    name: `tidegate broker, ${persistence === 'sqlite' ? 'SQLite sessions (PUBACK after store)' : 'memory persistence'}`,
    url: `mqtt://127.0.0.1:${port}`,
    publisher: { username: gw.name, password: gw.password },
    subscriber: { username: ingest.name, password: ingest.password, clientId: 'bench-ingestor' },
    stop: () => child.kill('SIGTERM'),
  };
  await waitFor(() => up(peer.url, peer.publisher), 'the tidegate broker', 30_000);
  return peer;
}

async function mosquittoPeer(): Promise<Peer> {
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      'persistence true',
      `persistence_location ${dir}/`,
      'max_queued_messages 0',
      'max_inflight_messages 0',
      'log_type error',
      '',
    ].join('\n'),
  );
  const child = run(requireBinary('mosquitto', 'mosquitto'), ['-c', conf]);
  const peer: Peer = {
    name: 'mosquitto, persistence true',
    url: `mqtt://127.0.0.1:${port}`,
    publisher: {},
    subscriber: { clientId: 'bench-ingestor' },
    stop: () => child.kill('SIGTERM'),
  };
  await waitFor(() => up(peer.url, {}), 'mosquitto', 30_000);
  return peer;
}

/** Messages per second from the first PUBLISH until every one is acknowledged and received. */
async function measure(peer: Peer, round: number): Promise<number> {
  const topic = 'tidegate/gw-bench/data/pm-1';
  const sub = await mqtt.connectAsync(peer.url, { ...peer.subscriber, clean: false });
  await sub.subscribeAsync(topic, { qos: 1 });
  const pub = await mqtt.connectAsync(peer.url, { ...peer.publisher, clientId: `pub-${round}-${Math.random()}` });
  let received = 0;
  const all = new Promise<void>((resolve) => {
    sub.on('message', () => {
      if (++received === COUNT) resolve();
    });
  });
  const started = performance.now();
  const acks: Promise<unknown>[] = [];
  for (let i = 0; i < COUNT; i++) {
    const line = `air_quality,sensor=sds011 pm2_5_ugm3=${i % 100}.5 ${(BigInt(Date.now()) * 1_000_000n + BigInt(i)).toString()}`;
    acks.push(pub.publishAsync(topic, line, { qos: 1 }));
    if (i % 500 === 499) await new Promise((r) => setImmediate(r));
  }
  await Promise.all(acks);
  await Promise.race([all, new Promise((r) => setTimeout(r, 120_000))]);
  const seconds = (performance.now() - started) / 1000;
  await pub.endAsync();
  await sub.endAsync();
  if (received < COUNT) throw new Error(`${peer.name}: ${received}/${COUNT} received`);
  return COUNT / seconds;
}

async function main(): Promise<void> {
  const results: { name: string; rate: number }[] = [];
  for (const start of [() => tidegatePeer('sqlite'), () => tidegatePeer('memory'), mosquittoPeer]) {
    const peer = await start();
    const rates: number[] = [];
    for (let r = 0; r < ROUNDS; r++) rates.push(await measure(peer, r));
    peer.stop();
    rates.sort((a, b) => a - b);
    results.push({ name: peer.name, rate: rates[Math.floor(rates.length / 2)]! });
  }
  const mosquitto = results[2]!.rate;
  const memory = results[1]!.rate;
  console.log(`\nQoS 1, ${COUNT} messages, one publisher, one persistent-session subscriber (median of ${ROUNDS})\n`);
  console.log('| broker | msg/s | vs memory | vs mosquitto |');
  console.log('| --- | --- | --- | --- |');
  for (const r of results)
    console.log(
      `| ${r.name} | ${Math.round(r.rate).toLocaleString('en')} | ${(r.rate / memory).toFixed(2)}x | ${(r.rate / mosquitto).toFixed(2)}x |`,
    );
  process.exit(0);
}

await main();
