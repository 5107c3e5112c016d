/**
 * Modbus request coalescing: for each shipped profile, the requests of one full poll with coalescing
 * against the peer, one request per value (`singleValueReads`, what many collectors do), and the time
 * that poll takes on a real 9600-baud 8N1 RS-485 line, computed from frame sizes and 3.5-character
 * silences (a PTY does not throttle, so line time cannot be measured here), with its ratio to the
 * theoretical minimum (each used register read once, in as few requests as the device allows).
 * The request counts are also measured: each plan polls `tidegate simulate modbus` over loopback TCP
 * and the bus scheduler counts what went on the wire; the median loopback time per poll is printed for
 * reference (it is CPU time of both ends, not line time).
 * Run: npx tsx bench/modbus-coalescing.ts   (BENCH_QUICK=1: fewer loopback polls)
 */

import { modbusDriver, modbusOptionsSchema } from '../drivers/modbus/index.js';
import { planRequests } from '../drivers/modbus/plan.js';
import { resolveRegisterMap } from '../drivers/modbus/profiles.js';
import type { BusScheduler } from '../drivers/modbus/scheduler.js';
import { runSimulator } from '../drivers/modbus/simulator/run.js';
import { linetimeMs, minimumLinetimeMs } from '../drivers/modbus/timing.js';
import { createDriverRuntime } from '../drivers/runtime.js';
import { freePort } from '../tests/harness/ports.js';

const QUICK = process.env.BENCH_QUICK === '1';
const POLLS = QUICK ? 50 : 500;
const BAUD = 9600;
const PROFILES = ['sdm120', 'sdm630', 'senseair-s8', 'traffic-loop'];

interface Row {
  profile: string;
  values: number;
  requests: number;
  singleRequests: number;
  measured: number;
  measuredSingle: number;
  lineMs: number;
  singleLineMs: number;
  minimumMs: number;
  loopbackMs: number;
  loopbackSingleMs: number;
}

async function measure(profile: string, singleValueReads: boolean) {
  const port = await freePort();
  const stop = new AbortController();
  const serving = runSimulator({ profile, tcp: String(port), quiet: true }, stop.signal);
  await new Promise((r) => setTimeout(r, 200));
  const runtime = createDriverRuntime({});
  const options = modbusOptionsSchema.parse({ host: '127.0.0.1', port, unit: 1, profile, singleValueReads });
  const sink = { reading() {}, rejected() {}, state() {} };
  const handle = await modbusDriver.open(options, { deviceId: profile, sink, runtime, signal: stop.signal });
  await handle.poll!(); // connect
  const scheduler = runtime.shared<BusScheduler>(`modbus-tcp:127.0.0.1:${port}`, () => {
    throw new Error('no scheduler');
  });
  const before = scheduler.counters(1).requests;
  const times: number[] = [];
  for (let i = 0; i < POLLS; i++) {
    const started = performance.now();
    const readings = await handle.poll!();
    times.push(performance.now() - started);
    if (readings.length === 0) throw new Error(`${profile}: a poll returned nothing`);
  }
  // The median: on a shared machine a few polls wait 100 ms and more for the CPU, which would swamp a mean.
  times.sort((a, b) => a - b);
  const perPoll = (scheduler.counters(1).requests - before) / POLLS;
  await runtime.close();
  stop.abort();
  await serving;
  return { requests: perPoll, ms: times[Math.floor(times.length / 2)]! };
}

const rows: Row[] = [];
for (const profile of PROFILES) {
  const map = resolveRegisterMap(modbusOptionsSchema.parse({ bus: 'line', profile }));
  const coalesced = planRequests(map.registers, map.planning);
  const single = planRequests(map.registers, { ...map.planning, singleValueReads: true });
  const measured = await measure(profile, false);
  const measuredSingle = await measure(profile, true);
  rows.push({
    profile,
    values: map.registers.length,
    requests: coalesced.length,
    singleRequests: single.length,
    measured: measured.requests,
    measuredSingle: measuredSingle.requests,
    lineMs: linetimeMs(coalesced, BAUD),
    singleLineMs: linetimeMs(single, BAUD),
    minimumMs: minimumLinetimeMs(map.registers, map.planning.maxRegistersPerRequest, BAUD),
    loopbackMs: measured.ms,
    loopbackSingleMs: measuredSingle.ms,
  });
}

const f1 = (n: number) => n.toFixed(1);
console.log(`Modbus full poll per profile: coalesced vs one request per value (${POLLS} loopback polls each)`);
console.table(
  rows.map((r) => ({
    profile: r.profile,
    values: r.values,
    'requests coalesced (measured)': `${r.requests} (${r.measured})`,
    'requests per value (measured)': `${r.singleRequests} (${r.measuredSingle})`,
    'request ratio': f1(r.singleRequests / r.requests),
    'ms @9600 coalesced': f1(r.lineMs),
    'ms @9600 per value': f1(r.singleLineMs),
    'ms @9600 minimum': f1(r.minimumMs),
    'coalesced / minimum': (r.lineMs / r.minimumMs).toFixed(2),
    'per value / minimum': (r.singleLineMs / r.minimumMs).toFixed(2),
    'loopback median ms/poll coalesced': r.loopbackMs.toFixed(3),
    'loopback median ms/poll per value': r.loopbackSingleMs.toFixed(3),
  })),
);
console.log(
  'Line time: 8N1 (10 bits a character), frames plus a 3.5-character silence after each, slave turnaround excluded.',
);
