/**
 * Broker cost per message: the project's broker (accounts + ACL + limits on every PUBLISH and
 * SUBSCRIBE, compiled, as `tidegate broker` runs) against plain aedes and Mosquitto, each in its own
 * process. The load comes from separate C processes (mosquitto_pub -l, mosquitto_sub -C) so the
 * clients never saturate first; rounds are interleaved (every broker once per round, in a rotating
 * order). Figures: messages per second from the first PUBLISH to the last delivery, and the broker
 * process's CPU time (utime + stime from /proc) per message, the figure that does not depend on how
 * busy the shared machine is.
 *
 *   npm run build && npx tsx bench/broker-throughput.ts   (BENCH_QUICK=1 for a short run)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createReadStream, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { addUser } from '../broker/server/users.js';
import { freePort, requireBinary, tempDir, waitFor } from '../tests/harness/index.js';

const quick = process.env.BENCH_QUICK === '1';
const COUNT = { 0: quick ? 20_000 : 100_000, 1: quick ? 20_000 : 100_000 } as const;
const ROUNDS = quick ? 3 : 5;
const TOPIC = 'tidegate/gw-bench/data/pm-1';
const PAYLOAD = `air_quality,sensor=sds011 pm2_5_ugm3=12.5,pm10_ugm3=20.25 ${BigInt(Date.now()) * 1_000_000n}`;
const root = join(import.meta.dirname, '..');
const dir = tempDir('tidegate-bench-broker-');
const pubBin = requireBinary('mosquitto_pub', 'mosquitto-clients');
const subBin = requireBinary('mosquitto_sub', 'mosquitto-clients');
const children: ChildProcess[] = [];
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

interface Peer {
  name: string;
  port: number;
  pid: number;
  publisher: string[];
  subscriber: string[];
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

async function listening(port: number, name: string): Promise<void> {
  const accepts = () =>
    new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
  await waitFor(accepts, name, 30_000);
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
  const child = run(process.execPath, ['bin/tidegate.js', 'broker', '--config', config]);
  await listening(port, 'the tidegate broker');
  return {
    name: 'tidegate broker (auth + ACL)',
    port,
    pid: child.pid!,
    publisher: ['-u', gw.name, '-P', gw.password],
    subscriber: ['-u', ops.name, '-P', ops.password],
  };
}

async function plainAedesPeer(): Promise<Peer> {
  const port = await freePort();
  const child = run(process.execPath, ['bench/broker-plain-aedes.mjs', String(port)]);
  await listening(port, 'plain aedes');
  return { name: 'plain aedes', port, pid: child.pid!, publisher: [], subscriber: [] };
}

async function mosquittoPeer(): Promise<Peer> {
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  // max_queued_messages 0: no per-client limit, so QoS 1 is not dropped to a slower subscriber.
  writeFileSync(
    conf,
    `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\nmax_queued_messages 0\nlog_type error\n`,
  );
  const child = run(requireBinary('mosquitto', 'mosquitto'), ['-c', conf]);
  await listening(port, 'mosquitto');
  return { name: 'mosquitto', port, pid: child.pid!, publisher: [], subscriber: [] };
}

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

interface Sample {
  rate: number;
  cpuUsPerMessage: number;
  received: number;
}

/** One mosquitto_sub (exits after `count` messages) and one mosquitto_pub fed `count` lines. */
async function measure(peer: Peer, qos: 0 | 1, count: number, linesFile: string): Promise<Sample> {
  const common = ['-h', '127.0.0.1', '-p', String(peer.port), '-t', TOPIC, '-q', String(qos)];
  const sub = spawn(subBin, [...common, ...peer.subscriber, '-C', String(count)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let received = 0;
  sub.stdout.on('data', (chunk: Buffer) => {
    for (const byte of chunk) if (byte === 10) received++;
  });
  const subDone = new Promise<void>((r) => sub.on('exit', () => r()));
  await new Promise((r) => setTimeout(r, 500)); // the SUBSCRIBE is answered well within this
  const cpuBefore = cpuSeconds(peer.pid);
  const started = performance.now();
  const pub = spawn(pubBin, [...common, ...peer.publisher, '-M', '100', '-l'], {
    stdio: ['pipe', 'ignore', 'inherit'],
  });
  // stdin stays open until everything arrived: at its end mosquitto_pub -l disconnects with the lines it
  // has not sent yet still queued, and they are lost (100,000 lines gave 34,470 at every broker).
  createReadStream(linesFile).pipe(pub.stdin, { end: false });
  const timeout = setTimeout(() => sub.kill(), 120_000);
  await subDone;
  clearTimeout(timeout);
  pub.stdin.end();
  const seconds = (performance.now() - started) / 1000;
  const cpu = cpuSeconds(peer.pid) - cpuBefore;
  await new Promise<void>((r) => (pub.exitCode !== null ? r() : pub.on('exit', () => r())));
  return { rate: received / seconds, cpuUsPerMessage: (cpu / Math.max(received, 1)) * 1e6, received };
}

const files = {
  0: join(dir, 'lines-0.txt'),
  1: join(dir, 'lines-1.txt'),
};
for (const qos of [0, 1] as const) writeFileSync(files[qos], `${PAYLOAD}\n`.repeat(COUNT[qos]));

const peers = [await tidegatePeer(), await plainAedesPeer(), await mosquittoPeer()];
const samples = new Map<string, Sample[]>();
for (let round = 0; round < ROUNDS; round++) {
  for (const qos of [0, 1] as const) {
    for (let k = 0; k < peers.length; k++) {
      const peer = peers[(k + round) % peers.length]!;
      const key = `${peer.name}|${qos}`;
      samples.set(key, [...(samples.get(key) ?? []), await measure(peer, qos, COUNT[qos], files[qos])]);
    }
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const summary = (peer: string, qos: number) => {
  const s = samples.get(`${peer}|${qos}`)!;
  return {
    rate: median(s.map((x) => x.rate)),
    cpu: median(s.map((x) => x.cpuUsPerMessage)),
    received: Math.min(...s.map((x) => x.received)),
  };
};
console.log(
  `broker cost per message, mosquitto_pub → broker → mosquitto_sub, median of ${ROUNDS} interleaved round(s)${quick ? ' (quick)' : ''}`,
);
console.log(
  '| broker                        | QoS |   msg/s | CPU µs/msg | least received | CPU vs plain aedes | CPU vs mosquitto | msg/s vs plain aedes |',
);
console.log(
  '|-------------------------------|----:|--------:|-----------:|---------------:|-------------------:|-----------------:|---------------------:|',
);
for (const qos of [0, 1] as const) {
  const aedes = summary('plain aedes', qos);
  const mosq = summary('mosquitto', qos);
  for (const peer of peers) {
    const s = summary(peer.name, qos);
    console.log(
      `| ${peer.name.padEnd(29)} | ${String(qos).padStart(3)} | ${Math.round(s.rate).toString().padStart(7)} | ${s.cpu.toFixed(1).padStart(10)} | ${`${s.received}/${COUNT[qos]}`.padStart(14)} | ${(s.cpu / aedes.cpu).toFixed(2).padStart(17)}× | ${(s.cpu / mosq.cpu).toFixed(2).padStart(15)}× | ${(s.rate / aedes.rate).toFixed(2).padStart(19)}× |`,
    );
  }
}
for (const c of children) c.kill('SIGTERM');
process.exit(0);
