/**
 * Login storm (issue 12 item 8): N gateways reconnecting at once after a broker restart, each with its
 * own account. CONNACK latency of the project's broker (generated passwords stored as HMAC-SHA256; and,
 * for comparison, the same accounts stored as scrypt, what every account used before) against Mosquitto
 * with a password_file (mosquitto_passwd -U), each broker in its own process, in the same run.
 * Then: a legitimate first login during a wrong-password flood, and the refusal time of an unknown user
 * against a known one with a wrong password (the enumeration oracle).
 *
 *   npx tsx bench/broker-login-storm.ts        (BENCH_QUICK=1: 300 logins instead of 500)
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { connectPacket } from '../broker/server/test-support/raw-mqtt.js';
import { type Account, hashGeneratedPassword, hashPassword, writeUsersFile } from '../broker/server/users.js';
import { freePort, requireBinary, tempDir, waitFor } from '../tests/harness/index.js';

const N = process.env.BENCH_QUICK === '1' ? 300 : 500;
const root = join(import.meta.dirname, '..');
const dir = tempDir('tidegate-bench-login-');
const children: ChildProcess[] = [];
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

const names = Array.from({ length: N }, (_, i) => `gw-storm-${String(i).padStart(3, '0')}`);
const passwords = names.map((_, i) => `storm-password-${i}-${Math.random().toString(36).slice(2)}`);

function tcpOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

async function start(command: string, args: string[], port: number): Promise<ChildProcess> {
  const child = spawn(command, args, {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, TIDEGATE_LOG_LEVEL: 'error' },
  });
  children.push(child);
  await waitFor(() => tcpOpen(port), `${command} on ${port}`, 60_000);
  return child;
}

async function tidegate(kind: 'hmac' | 'scrypt'): Promise<{ port: number; child: ChildProcess }> {
  const shared = kind === 'scrypt' ? await hashPassword('one-scrypt-password-for-all') : undefined;
  const accounts = new Map<string, Account>();
  for (const [i, name] of names.entries())
    accounts.set(name, { name, role: 'gateway', password: shared ?? hashGeneratedPassword(passwords[i]!) });
  if (kind === 'scrypt') passwords.fill('one-scrypt-password-for-all');
  const usersFile = join(dir, `users-${kind}.yaml`);
  writeUsersFile(usersFile, accounts);
  const port = await freePort();
  const config = join(dir, `broker-${kind}.yaml`);
  writeFileSync(config, JSON.stringify({ usersFile, listeners: { mqtt: { port } } }));
  return { port, child: await start(process.execPath, ['bin/tidegate.js', 'broker', '--config', config], port) };
}

async function mosquitto(): Promise<{ port: number; child: ChildProcess }> {
  const file = join(dir, 'mosquitto.passwd');
  writeFileSync(file, `${names.map((n, i) => `${n}:${passwords[i]}`).join('\n')}\n`);
  execFileSync(requireBinary('mosquitto_passwd', 'mosquitto'), ['-U', file]);
  // Mosquitto started as root reads the password file after dropping to its own user.
  chmodSync(dir, 0o755);
  chmodSync(file, 0o644);
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous false',
      `password_file ${file}`,
      'persistence false',
      'log_dest stderr',
      'log_type error',
    ].join('\n'),
  );
  return { port, child: await start(requireBinary('mosquitto', 'mosquitto'), ['-c', conf], port) };
}

/** Opens a socket, sends CONNECT, resolves with ms until CONNACK and its return code. */
function login(
  port: number,
  user: string,
  password: string,
  localAddress = '127.0.0.1',
): Promise<{ ms: number; code: number }> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect({ port, host: '127.0.0.1', localAddress }, () => {
      const t0 = performance.now();
      socket.once('data', (d: Buffer) => {
        resolve({ ms: performance.now() - t0, code: d[3] ?? -1 });
        socket.destroy();
      });
      socket.write(connectPacket({ clientId: `${user}-${Math.random()}`, username: user, password }));
    });
    socket.once('error', reject);
    socket.setTimeout(120_000, () => reject(new Error('no CONNACK in 120 s')));
  });
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function storm(port: number) {
  const results = await Promise.all(names.map((n, i) => login(port, n, passwords[i]!)));
  const failed = results.filter((r) => r.code !== 0).length;
  const ms = results.map((r) => r.ms).sort((a, b) => a - b);
  return { p50: pct(ms, 50), p99: pct(ms, 99), max: ms[ms.length - 1]!, failed };
}

/** A first login (never verified before) while another address floods wrong passwords at ~13/s. */
async function duringFlood(port: number, user: string, password: string) {
  let flooding = true;
  const flood = (async () => {
    while (flooding) {
      void login(port, names[0]!, 'wrong-password', '127.0.0.2').catch(() => {});
      await new Promise((r) => setTimeout(r, 75));
    }
  })();
  await new Promise((r) => setTimeout(r, 2_000));
  const legit = await login(port, user, password, '127.0.0.3');
  flooding = false;
  await flood;
  return legit.ms;
}

async function oracle(port: number) {
  const median = async (user: string) => {
    const ms: number[] = [];
    for (let i = 0; i < 9; i++) ms.push((await login(port, user, 'wrong-password', '127.0.0.4')).ms);
    return ms.sort((a, b) => a - b)[4]!;
  };
  return { unknown: await median('nobody-here'), known: await median(names[1]!) };
}

const rows: string[] = [];
const f = (n: number) => n.toFixed(0).padStart(7);
const report = (
  name: string,
  s: Awaited<ReturnType<typeof storm>>,
  flood: number,
  o?: { unknown: number; known: number },
) =>
  rows.push(
    `| ${name.padEnd(30)} | ${f(s.p50)} | ${f(s.p99)} | ${f(s.max)} | ${String(s.failed).padStart(6)} | ${f(flood)} | ${o ? `${f(o.unknown)} / ${f(o.known)}` : '        –        '} |`,
  );

async function plainAedes(): Promise<{ port: number; child: ChildProcess }> {
  const port = await freePort();
  return {
    port,
    child: await start(process.execPath, ['bench/broker-plain-aedes.mjs', String(port)], port),
  };
}

const mq = await mosquitto();
const mqStorm = await storm(mq.port);
report(
  'Mosquitto 2 (password_file)',
  mqStorm,
  await duringFlood(mq.port, names[2]!, passwords[2]!),
  await oracle(mq.port),
);
mq.child.kill();

const tg = await tidegate('hmac');
const tgStorm = await storm(tg.port);
report(
  'tidegate (generated → HMAC)',
  tgStorm,
  await duringFlood(tg.port, names[2]!, passwords[2]!),
  await oracle(tg.port),
);
tg.child.kill();

// The floor: aedes accepting every login (no accounts), to show what the accounts themselves cost.
const plain = await plainAedes();
report('plain aedes (no accounts)', await storm(plain.port), Number.NaN);
plain.child.kill();

const old = await tidegate('scrypt');
const oldStorm = await storm(old.port);
report(
  'tidegate (scrypt accounts)',
  oldStorm,
  await duringFlood(old.port, names[2]!, passwords[2]!),
  await oracle(old.port),
);
old.child.kill();

console.log(
  `${N} simultaneous logins, one account each (ms; refusals answered after limits.refusalDelayMs = 250 ms)\n`,
);
console.log(
  '| broker                         | CONNACK p50 | p99 | max | failed | login during flood | refusal: unknown / known user |',
);
console.log('| ------------------------------ | ------- | ------- | ------- | ------ | ------- | ----------------- |');
for (const r of rows) console.log(r);
console.log(`\np99 ratio tidegate / Mosquitto: ${(tgStorm.p99 / mqStorm.p99).toFixed(2)}x (goal ≤ 3x)`);
process.exit(0);
