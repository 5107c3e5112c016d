/**
 * The network-cut fault alone, again and again, to chase a reading that goes missing once in a while:
 * on a count that does not balance it prints, per device, the edge's counters, what a live subscriber
 * saw, what InfluxDB holds, and the readings seen on the wire but not stored (and gaps in time).
 *
 *   npx tsx tests/chaos/cut-loop.ts        (CUT_RUNS=40, CUT_HOLD_MS=2000; CUT_GARBAGE=1 puts the
 *                                           garbage fault before each cut, as the short chaos run does;
 *                                           CUT_FREEZE_MS=3000 keeps the devices stopped up to 3 s after
 *                                           each count; CUT_MODBUS_EVERY=20ms polls the meter faster;
 *                                           CUT_SLOW_METER=1 makes the meters answer late during the cut)
 */
import { join } from 'node:path';
import mqtt from 'mqtt';
import { startManagedInflux } from '../../broker/influxdb/managed.js';
import { addUser } from '../../broker/server/index.js';
import { removeTempDir, tempDir, waitFor } from '../harness/index.js';
import { EdgeCounters, scrapeEdge, storedPerDevice } from './counts.js';
import { FAULTS } from './faults.js';
import { resumeDevices, settle } from './settle.js';
import { ChaosStack } from './stack.js';

const runs = Number(process.env.CUT_RUNS ?? 40);
const holdMs = Number(process.env.CUT_HOLD_MS ?? 2000);
const freezeMs = Number(process.env.CUT_FREEZE_MS ?? 0);
const cut = FAULTS.find((f) => f.name.startsWith('network cut'))!;
const garbage = FAULTS.find((f) => f.name.startsWith('garbage'))!;
const dir = tempDir('tidegate-cut-');
const influx = await startManagedInflux({ dir: join(dir, 'influxdb') });
const stack = new ChaosStack({
  dir: join(dir, 'stack'),
  influxUrl: influx.url,
  database: 'chaos',
  edges: 2,
  modbusEvery: process.env.CUT_MODBUS_EVERY, // shorter: a stop cuts more polls between their two blocks
});
const counters = new EdgeCounters();
/** Every data line a live subscriber saw, per `<gateway>/<device>`: timestamp → line. */
const wire = new Map<string, Map<string, string>>();
let mismatches = 0;
let done = 0;
let aborted = false;
process.once('SIGTERM', () => {
  aborted = true; // ends after this run, through the clean-up below
});
try {
  await stack.init();
  const operator = await addUser(join(dir, 'stack', 'users.yaml'), 'cut-tap', 'operator');
  await stack.startBroker();
  await stack.startIngestor();
  const tap = await mqtt.connectAsync(`mqtt://127.0.0.1:${stack.brokerPort}`, {
    username: 'cut-tap',
    password: operator.password,
    clean: true,
  });
  tap.on('message', (topic, payload) => {
    const [, gateway, , device] = topic.split('/');
    const key = `${gateway}/${device}`;
    const lines = wire.get(key) ?? new Map<string, string>();
    wire.set(key, lines);
    for (const line of payload.toString().split('\n')) lines.set(line.slice(line.lastIndexOf(' ') + 1), line);
  });
  await tap.subscribeAsync('tidegate/+/data/+', { qos: 1 });
  await resumeDevices(stack);
  for (const edge of stack.edges) await stack.startEdge(edge);
  await waitFor(async () => (await storedPerDevice(influx.url, 'chaos')).size >= 4, 'first readings', 60_000, 200);
  let before = await settle(stack, counters);
  const ctx = { stack, counters, holdMs, influx: { stop: async () => {}, start: async () => {} } };
  for (let run = 1; run <= runs && !aborted; run++) {
    if (process.env.CUT_GARBAGE === '1') {
      await resumeDevices(stack, counters);
      await garbage.run(ctx);
    }
    await resumeDevices(stack, counters);
    const slow = process.env.CUT_SLOW_METER === '1' ? slowMeters() : undefined;
    await cut.run({ ...ctx, holdMs: Math.round(holdMs * (0.5 + Math.random())) });
    slow?.stop();
    const after = await settle(stack, counters);
    const lost = after.lost - before.lost;
    console.log(`run ${run}: read ${after.read - before.read}, lost ${lost}, cumulative missing`, after.missing);
    await partialReadings();
    // The devices stay frozen a while, as in a settle that waits out its quiet time (a poll cut short).
    if (freezeMs) await new Promise((r) => setTimeout(r, Math.random() * freezeMs));
    if (lost !== 0) {
      mismatches++;
      await dump(after.missing);
    }
    before = after;
    done++;
  }
  await tap.endAsync(true);
} finally {
  await stack.dispose();
  await influx.stop();
  removeTempDir(dir);
}
console.log(`${done} runs, ${mismatches} with readings missing`);
process.exit(mismatches ? 1 : 0);

/**
 * A loaded machine, for the Modbus simulators only: stopped and continued every few milliseconds, they
 * answer late, so a stop (settle) is more likely to find a poll between its two blocks.
 */
function slowMeters(): { stop(): void } {
  let stopped = false;
  const timer = setInterval(() => {
    stopped = !stopped;
    for (const edge of stack.edges) edge.modbus?.child.kill(stopped ? 'SIGSTOP' : 'SIGCONT');
  }, 7);
  return {
    stop() {
      clearInterval(timer);
      for (const edge of stack.edges) edge.modbus?.child.kill('SIGCONT');
    },
  };
}

/** Points per device (rows of SELECT *) against the largest field count: readings that lack fields. */
async function partialReadings(): Promise<void> {
  const byField = await storedPerDevice(influx.url, 'chaos');
  for (const measurement of ['electricity', 'air_quality']) {
    const q = `SELECT * FROM "${measurement}" GROUP BY gateway, device`;
    const params = new URLSearchParams({ q, db: 'chaos', epoch: 'u' });
    const body = (await (await fetch(`${influx.url}/query`, { method: 'POST', body: params })).json()) as {
      results: { series?: { tags: Record<string, string>; columns: string[]; values: unknown[][] }[] }[];
    };
    for (const s of body.results[0]?.series ?? []) {
      const key = `${s.tags.gateway}/${s.tags.device}`;
      const present = new Map<number, number>();
      for (const v of s.values) {
        const n = v.filter((x) => x !== null).length - 1;
        present.set(n, (present.get(n) ?? 0) + 1);
      }
      if (present.size < 2 && s.values.length === byField.get(key)) continue;
      const shape = [...present].map(([n, count]) => `${count} with ${n} columns`).join(', ');
      console.log(`${key}: ${s.values.length} points, ${byField.get(key)} by the largest field count; ${shape}`);
    }
  }
}

async function dump(missing: Record<string, number>): Promise<void> {
  for (const edge of stack.edges) {
    const s = await scrapeEdge(edge);
    console.log(edge.id, 'read', Object.fromEntries(s.read), 'published', Object.fromEntries(s.published));
    console.log(edge.id, 'backlog', s.backlog);
    console.log(edge.process?.output().slice(-4000));
  }
  const ingest = await (await fetch(`http://127.0.0.1:${stack.ingestHttpPort}/metrics`)).text();
  console.log(
    ingest
      .split('\n')
      .filter((l) => l.startsWith('tidegate_ingest'))
      .join('\n'),
  );
  for (const key of Object.keys(missing)) {
    const [gateway, device] = key.split('/');
    const q = `SELECT * FROM /.*/ WHERE gateway='${gateway}' AND device='${device}'`;
    // Microseconds: nanosecond epochs do not fit a JSON number (readings 1 ns apart share a microsecond).
    const params = new URLSearchParams({ q, db: 'chaos', epoch: 'u' });
    const body = (await (await fetch(`${influx.url}/query`, { method: 'POST', body: params })).json()) as {
      results: { series?: { name: string; tags?: Record<string, string>; columns: string[]; values: unknown[][] }[] }[];
    };
    const stored = new Set<string>();
    for (const s of body.results[0]?.series ?? []) {
      console.log(key, 'series', s.name, JSON.stringify(s.tags ?? {}), s.values.length, 'points');
      for (const v of s.values) stored.add(String(v[0]));
    }
    const seen = wire.get(key) ?? new Map();
    console.log(key, 'stored', stored.size, 'seen on the wire', seen.size);
    for (const [t, line] of seen)
      if (!stored.has(String(BigInt(t) / 1000n))) console.log(key, 'on the wire, not stored:', line);
    const times = [...stored].map((t) => BigInt(t) * 1000n).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const gaps = times.slice(1).map((t, i) => [times[i]!, t - times[i]!] as const);
    const typical = [...gaps].map((g) => g[1]).sort((a, b) => (a < b ? -1 : 1))[Math.floor(gaps.length / 2)] ?? 0n;
    for (const [t, gap] of gaps)
      if ((gap > (typical * 3n) / 2n && gap < typical * 3n) || gap < typical / 2n)
        console.log(key, `gap after ${new Date(Number(t / 1_000_000n)).toISOString()} (${t}): ${gap / 1_000_000n} ms`);
  }
}
