/**
 * Broker throughput: the project's broker (scrypt accounts + ACL + limits on every PUBLISH and
 * SUBSCRIBE) against plain aedes and against Mosquitto, each in its own process, with the same
 * clients in the same run: one publisher, one subscriber, QoS 0 and QoS 1, line-protocol payloads.
 *
 *   npx tsx bench/broker-throughput.ts         (BENCH_QUICK=1 for a run under a minute)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { addUser } from '../broker/server/users.js';
import { freePort, requireBinary, tempDir, waitFor } from '../tests/harness/index.js';

const quick = process.env.BENCH_QUICK === '1';
const COUNT = { 0: quick ? 20_000 : 100_000, 1: quick ? 10_000 : 50_000 } as const;
const ROUNDS = quick ? 1 : 3;
const root = join(import.meta.dirname, '..');
const dir = tempDir('tidegate-bench-broker-');
const children: ChildProcess[] = [];
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

interface Peer {
  name: string;
  url: string;
  publisher: mqtt.IClientOptions;
  subscriber: mqtt.IClientOptions;
}

async function tcpUp(url: string, options: mqtt.IClientOptions): Promise<boolean> {
  try {
    const c = await mqtt.connectAsync(url, { ...options, reconnectPeriod: 0, connectTimeout: 1000 });
    await c.endAsync();
    return true;
  } catch {
    return false;
  }
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

async function tidegatePeer(): Promise<Peer> {
  const usersFile = join(dir, 'users.yaml');
  const gw = await addUser(usersFile, 'gw-bench', 'gateway');
  const ops = await addUser(usersFile, 'ops-bench', 'operator');
  const port = await freePort();
  const config = join(dir, 'broker.yaml');
  writeFileSync(
    config,
    `usersFile: users.yaml\nlisteners: { mqtt: { port: ${port} } }\nlimits: { maxConnectionsPerUser: 100 }\n`,
  );
  run(process.execPath, ['bin/tidegate.js', 'broker', '--config', config]);
  const peer = {
    name: 'tidegate broker (auth + ACL)',
    url: `mqtt://127.0.0.1:${port}`,
    publisher: { username: gw.name, password: gw.password },
    subscriber: { username: ops.name, password: ops.password },
  };
  await waitFor(() => tcpUp(peer.url, peer.subscriber), 'the tidegate broker', 30_000);
  return peer;
}

async function plainAedesPeer(): Promise<Peer> {
  const port = await freePort();
  run(process.execPath, ['--import', 'tsx', 'bench/broker-plain-aedes.ts', String(port)]);
  const peer = { name: 'plain aedes', url: `mqtt://127.0.0.1:${port}`, publisher: {}, subscriber: {} };
  await waitFor(() => tcpUp(peer.url, {}), 'plain aedes', 30_000);
  return peer;
}

async function mosquittoPeer(): Promise<Peer> {
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  // max_queued_messages 0: no per-client limit, so QoS 1 is not dropped to a slower subscriber.
  writeFileSync(
    conf,
    `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\nmax_queued_messages 0\nlog_type error\n`,
  );
  run(requireBinary('mosquitto', 'mosquitto'), ['-c', conf]);
  const peer = { name: 'mosquitto', url: `mqtt://127.0.0.1:${port}`, publisher: {}, subscriber: {} };
  await waitFor(() => tcpUp(peer.url, {}), 'mosquitto', 30_000);
  return peer;
}

/** Messages per second from the first PUBLISH to the last one received (and, for QoS 1, acknowledged). */
async function measure(peer: Peer, qos: 0 | 1, count: number): Promise<{ rate: number; received: number }> {
  const topic = 'tidegate/gw-bench/data/pm-1';
  const sub = await mqtt.connectAsync(peer.url, { ...peer.subscriber, clientId: `sub-${Math.random()}` });
  const pub = await mqtt.connectAsync(peer.url, { ...peer.publisher, clientId: `pub-${Math.random()}` });
  await sub.subscribeAsync(topic, { qos });
  let received = 0;
  let resolveAll: () => void = () => {};
  const all = new Promise<void>((r) => {
    resolveAll = r;
  });
  sub.on('message', () => {
    if (++received === count) resolveAll();
  });
  const payload = `air_quality,sensor=sds011 pm2_5_ugm3=12.5,pm10_ugm3=20.25 ${BigInt(Date.now()) * 1_000_000n}`;
  const started = performance.now();
  const acks: Promise<unknown>[] = [];
  for (let i = 0; i < count; i++) {
    if (qos === 1) acks.push(pub.publishAsync(topic, payload, { qos }));
    else pub.publish(topic, payload, { qos });
    if (i % 1000 === 999) await new Promise((r) => setImmediate(r));
  }
  await Promise.all(acks);
  await Promise.race([all, new Promise((r) => setTimeout(r, 60_000))]);
  const seconds = (performance.now() - started) / 1000;
  await pub.endAsync();
  await sub.endAsync();
  return { rate: received / seconds, received };
}

const peers = [await tidegatePeer(), await plainAedesPeer(), await mosquittoPeer()];
const rows: { peer: string; qos: number; rate: number; received: string }[] = [];
for (const qos of [0, 1] as const) {
  for (const peer of peers) {
    const rates: number[] = [];
    let received = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const r = await measure(peer, qos, COUNT[qos]);
      rates.push(r.rate);
      received = r.received;
    }
    rates.sort((a, b) => a - b);
    rows.push({
      peer: peer.name,
      qos,
      rate: rates[Math.floor(rates.length / 2)]!,
      received: `${received}/${COUNT[qos]}`,
    });
  }
}
console.log(
  `broker throughput, one publisher and one subscriber, median of ${ROUNDS} round(s)${quick ? ' (quick)' : ''}`,
);
console.log('broker                        QoS   msg/s     received        vs plain aedes  vs mosquitto');
for (const r of rows) {
  const aedes = rows.find((x) => x.qos === r.qos && x.peer === 'plain aedes')!.rate;
  const mosq = rows.find((x) => x.qos === r.qos && x.peer === 'mosquitto')!.rate;
  console.log(
    `${r.peer.padEnd(30)}${String(r.qos).padEnd(6)}${Math.round(r.rate).toString().padStart(7)}   ${r.received.padEnd(16)}${(r.rate / aedes).toFixed(2).padStart(6)}x        ${(r.rate / mosq).toFixed(2).padStart(6)}x`,
  );
}
for (const c of children) c.kill('SIGTERM');
process.exit(0);
