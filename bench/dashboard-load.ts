/**
 * How much live traffic the operators' page keeps up with.
 *
 *   npx tsx bench/dashboard-load.ts                  (about 3 minutes)
 *   BENCH_QUICK=1 npx tsx bench/dashboard-load.ts    (under a minute)
 *
 * A broker serves the dashboard; headless Chromium signs in as an operator and shows the fleet view.
 * A separate process plays 200 gateways (a retained status each) × 10 devices, one reading per
 * device per second (2,000 messages/s, QoS 1, as gateways publish), then a step of 2× that.
 * Peers, measured in the same run and in their own process: plain mqtt.js subscribers in Node on the
 * same topics, over TCP and over WebSocket (the page's path). page ÷ peer says what the page costs.
 * Two brokers are measured: the project's startBroker, and plain aedes whose WebSocket writes are
 * batched (bench/dashboard-load-broker.ts), to show the cost of many small WebSocket frames.
 * The page counts what it processed in `window.tidegateDashboard`; the browser's memory and
 * main-thread time come from CDP Performance.getMetrics (JSHeapUsedSize, TaskDuration).
 *
 * With history: an InfluxDB holds the last hour of gw-001's ten devices (one point per 10 s, written
 * before the run); the page shows gw-001 with that hour drawn and going on live while the whole fleet
 * publishes. Halfway through each step it is used: the fleet list is filtered and sorted, and gw-001
 * opened again (history read again); the table gives how long each took to show.
 * BENCH_HISTORY=0 keeps the fleet view on screen instead (the figures before history existed).
 * BENCH_BATCHING=1 also measures plain aedes with batched WebSocket writes (no history there).
 */
import { fork } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { startManagedInflux } from '../broker/influxdb/managed.js';
import { ensureSchema } from '../broker/schema/index.js';
import { startDashboardBroker } from '../tests/browser/support/broker.js';
import { launchChromium } from '../tests/browser/support/chromium.js';
import { signIn } from '../tests/browser/support/dashboard-page.js';
import { simulatedReading } from '../tests/browser/support/simulated-readings.js';
import { removeTempDir, tempDir } from '../tests/harness/cleanup.js';
import { encodeLine } from '../wire/index.js';
import { startBatchingBroker } from './dashboard-load-broker.js';
import { DEVICES as DEVICE_IDS } from './dashboard-load-fleet.js';

const QUICK = process.env.BENCH_QUICK === '1';
const GATEWAYS = 200;
const DEVICES = 10;
const PUBLISHERS = 8;
const STEPS = QUICK
  ? [{ factor: 1, seconds: 10 }]
  : [
      { factor: 1, seconds: 45 },
      { factor: 2, seconds: 20 },
      // 4× is left out: at that rate, with the page behind, startBroker died of a stack overflow in
      // mqemitter's queue (RangeError in aedes' publish path; mcollina/mqemitter PR #204 describes it).
    ];
const SETTLE_MS = 3_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Thrown to skip the optional second broker. */
class Done extends Error {}

interface Target {
  name: string;
  httpUrl: string;
  mqttUrl: string;
  wsUrl: string;
  operator: { username: string; password: string };
  admin: { username: string; password: string };
  stop(): Promise<void>;
}

interface Probe {
  readings: number;
  unreadable: number;
  renders: number;
  applyMs: number;
  renderMs: number;
}

async function probe(page: Page): Promise<Probe> {
  return page.evaluate(() => {
    const p = window.tidegateDashboard;
    if (!p) throw new Error('the page exposes no window.tidegateDashboard');
    return { ...p.counters, renders: p.renders, applyMs: p.applyMs, renderMs: p.renderMs };
  });
}

async function browserMetrics(cdp: CDPSession): Promise<{ heapMB: number; taskSeconds: number }> {
  const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
  const get = (name: string) => metrics.find((m) => m.name === name)?.value ?? Number.NaN;
  return { heapMB: get('JSHeapUsedSize') / 2 ** 20, taskSeconds: get('TaskDuration') };
}

function child(script: string, env: Record<string, string>) {
  return fork(fileURLToPath(new URL(script, import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...env },
  });
}

const VIEWED = 'gw-001';

/** One hour of VIEWED's devices, one reading per 10 s, as the ingestor would have written it. */
async function preloadHistory(url: string): Promise<number> {
  await ensureSchema({ url, database: 'tidegate' });
  const lines: string[] = [];
  const now = Date.now();
  for (let t = now - 3_600_000, tick = 0; t < now - 5_000; t += 10_000, tick++)
    for (const device of DEVICE_IDS) {
      const r = simulatedReading(device, tick, BigInt(t) * 1_000_000n);
      lines.push(encodeLine({ ...r, tags: { ...r.tags, gateway: VIEWED, device } }));
    }
  const res = await fetch(`${url}/write?db=tidegate&precision=ns`, { method: 'POST', body: lines.join('\n') });
  if (res.status !== 204) throw new Error(`history preload: HTTP ${res.status} ${await res.text()}`);
  return lines.length;
}

/** Milliseconds until `ready` holds after `act`, polled every 20 ms (what an operator waits). */
async function timed(act: () => Promise<unknown>, ready: () => Promise<boolean>): Promise<number> {
  const t0 = performance.now();
  await act();
  while (!(await ready())) {
    if (performance.now() - t0 > 30_000) return Number.POSITIVE_INFINITY;
    await sleep(20);
  }
  return performance.now() - t0;
}

/** Filter and sort the fleet list, open the viewed gateway again: how long each takes to show. */
async function useThePage(page: Page): Promise<{ filterMs: number; sortMs: number; openMs: number }> {
  await page.evaluate(() => {
    location.hash = '#/';
  });
  await page.waitForSelector('#gateways-view');
  const filterMs = await timed(
    () => page.fill('#gateway-filter', 'gw-01'),
    async () => (await page.locator('tr[data-gateway]').count()) <= 11,
  );
  await page.fill('#gateway-filter', '');
  const sorted = await page.getAttribute('th[data-sort="id"]', 'aria-sort');
  const sortMs = await timed(
    () => page.click('th[data-sort="id"]'),
    async () => (await page.getAttribute('th[data-sort="id"]', 'aria-sort')) !== sorted,
  );
  const openMs = await timed(
    () =>
      page.evaluate((gw) => {
        location.hash = `#/gateway/${gw}`;
      }, VIEWED),
    async () => (await page.locator('#history-info[data-loaded="yes"]').count()) > 0,
  );
  return { filterMs, sortMs, openMs };
}

async function measure(
  target: Target,
  browser: Browser,
  withHistory: boolean,
): Promise<{ rows: string[][]; notes: string[] }> {
  let sent = 0;
  let doneAt = 0;
  let stepDone: (() => void) | undefined;
  let peerReadings = 0;
  let wsPeerReadings = 0;
  const generator = child('./dashboard-load-publisher.ts', {
    MQTT_URL: target.mqttUrl,
    MQTT_USERNAME: target.admin.username,
    MQTT_PASSWORD: target.admin.password,
    PUBLISHERS: String(PUBLISHERS),
  });
  const generatorReady = new Promise<void>((ready) =>
    generator.on('message', (m: { ready?: boolean; sent?: number; done?: boolean }) => {
      if (m.ready) ready();
      if (m.sent !== undefined) sent = m.sent;
      if (m.done) {
        doneAt = performance.now();
        stepDone?.();
      }
    }),
  );
  const peers = child('./dashboard-load-peer.ts', {
    MQTT_URL: target.mqttUrl,
    WS_URL: target.wsUrl,
    MQTT_USERNAME: target.operator.username,
    MQTT_PASSWORD: target.operator.password,
  });
  const peersReady = new Promise<void>((ready) =>
    peers.on('message', (m: { ready?: boolean; tcp?: number; ws?: number }) => {
      if (m.ready) ready();
      if (m.tcp !== undefined) peerReadings = m.tcp;
      if (m.ws !== undefined) wsPeerReadings = m.ws;
    }),
  );
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  try {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    await signIn(page, target.httpUrl, target.operator.username, target.operator.password);
    await peersReady;
    await generatorReady;
    await page.waitForFunction((n) => document.querySelectorAll('tr[data-gateway]').length === n, GATEWAYS, {
      timeout: 60_000,
    });
    await cdp.send('HeapProfiler.collectGarbage');
    const idle = await browserMetrics(cdp);
    let historyPoints = 0;
    if (withHistory) {
      await page.evaluate((gw) => {
        location.hash = `#/gateway/${gw}`;
      }, VIEWED);
      await page.waitForSelector('#history-info[data-loaded="yes"]', { timeout: 60_000 });
      historyPoints = await page.$$eval('figure[data-points]', (fs) =>
        fs.reduce((n, f) => n + Number(f.getAttribute('data-points')), 0),
      );
    }

    const rows: string[][] = [];
    for (const step of STEPS) {
      const before = { sent, peer: peerReadings, wsPeer: wsPeerReadings, page: await probe(page) };
      const m0 = await browserMetrics(cdp);
      const t0 = performance.now();
      let finished = false;
      const done = new Promise<void>((r) => {
        stepDone = r;
      }).then(() => {
        finished = true;
      });
      generator.send({ run: step });
      let maxBehind = 0;
      let atEnd = before.page;
      let using: Promise<Awaited<ReturnType<typeof useThePage>>> | undefined;
      while (!finished) {
        await Promise.race([sleep(500), done]);
        // Used while the counting goes on, as an operator would (not awaited here).
        if (withHistory && !using && performance.now() - t0 > (step.seconds * 1000) / 2) using = useThePage(page);
        const now = await probe(page);
        maxBehind = Math.max(maxBehind, sent - now.readings);
        if (!finished) atEnd = now;
      }
      const seconds = (doneAt - t0) / 1000;
      const used = await using;
      await sleep(300); // the peers report every 250 ms
      const [peerAtEnd, wsPeerAtEnd] = [peerReadings, wsPeerReadings];
      await sleep(SETTLE_MS);
      const settled = await probe(page);
      const m1 = await browserMetrics(cdp);
      const stepSent = sent - before.sent;
      const stepPage = atEnd.readings - before.page.readings;
      const behind = Math.max(0, sent - settled.readings);
      const wall = (performance.now() - t0) / 1000;
      rows.push([
        target.name,
        `${step.factor}× ${(GATEWAYS * DEVICES * step.factor).toLocaleString('en')}/s`,
        (stepSent / seconds).toFixed(0),
        (stepPage / seconds).toFixed(0),
        ((peerAtEnd - before.peer) / seconds).toFixed(0),
        ((wsPeerAtEnd - before.wsPeer) / seconds).toFixed(0),
        (stepPage / Math.max(1, wsPeerAtEnd - before.wsPeer)).toFixed(3),
        String(maxBehind),
        String(behind),
        behind <= stepSent * 0.01 ? 'yes' : 'NO',
        m1.heapMB.toFixed(1),
        `${((100 * (m1.taskSeconds - m0.taskSeconds)) / wall).toFixed(0)}%`,
        `${((100 * (settled.applyMs - before.page.applyMs)) / 1000 / wall).toFixed(0)}%`,
        `${((100 * (settled.renderMs - before.page.renderMs)) / 1000 / wall).toFixed(0)}%`,
        used ? used.filterMs.toFixed(0) : '—',
        used ? used.sortMs.toFixed(0) : '—',
        used ? used.openMs.toFixed(0) : '—',
      ]);
    }
    const final = await probe(page);
    await cdp.send('HeapProfiler.collectGarbage');
    const end = await browserMetrics(cdp);
    return {
      rows,
      notes: [
        `${target.name}: sent ${sent}, the page processed ${final.readings} (${final.unreadable} unreadable), rendered ${final.renders} times; ` +
          `JS heap after GC ${idle.heapMB.toFixed(1)} MB idle with ${GATEWAYS} gateways, ${end.heapMB.toFixed(1)} MB after` +
          (withHistory ? `; ${VIEWED} opened with ${historyPoints} stored points drawn` : ''),
      ],
    };
  } finally {
    await page.close();
    generator.send({ stop: true });
    peers.send({ stop: true });
    await sleep(300);
    if (generator.exitCode === null) generator.kill();
    if (peers.exitCode === null) peers.kill();
  }
}

const browser = await launchChromium();
const influxDir = tempDir('tidegate-bench-influx-');
const influx = await startManagedInflux({ dir: influxDir });
const rows: string[][] = [];
const notes: string[] = [];
try {
  notes.push(`history: ${await preloadHistory(influx.url)} readings of ${VIEWED} written to InfluxDB before the run`);
  const project = await startDashboardBroker({ maxConnectionsPerUser: PUBLISHERS + 2, historyInfluxUrl: influx.url });
  try {
    const r = await measure(
      { name: 'startBroker', ...project, wsUrl: project.broker.wsUrl as string, stop: project.stop },
      browser,
      process.env.BENCH_HISTORY !== '0',
    );
    rows.push(...r.rows);
    notes.push(...r.notes);
  } finally {
    await project.stop();
  }
  if (process.env.BENCH_BATCHING !== '1') throw new Done();
  const batching = await startBatchingBroker();
  try {
    const anyone = { username: 'operator', password: 'unused-by-plain-aedes' };
    const r = await measure({ name: 'aedes+batched ws', ...batching, operator: anyone, admin: anyone }, browser, false);
    rows.push(...r.rows);
    notes.push(...r.notes);
  } finally {
    await batching.stop();
  }
} catch (e) {
  if (!(e instanceof Done)) throw e;
} finally {
  await browser.close();
  await influx.stop();
  removeTempDir(influxDir);
}

const head = [
  'broker',
  'load',
  'sent/s',
  'page/s',
  'tcp peer/s',
  'ws peer/s',
  'page/ws peer',
  'max behind',
  'behind +3 s',
  'keeps up',
  'heap MB',
  'main thread',
  'model',
  'render',
  'filter ms',
  'sort ms',
  'open gw ms',
];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (r: string[]) => r.map((c, i) => c.padStart(widths[i]!)).join('  ');
console.log(
  `\ndashboard-load${QUICK ? ' (quick)' : ''}: ${GATEWAYS} gateways × ${DEVICES} devices into headless Chromium (${process.env.BENCH_HISTORY === '0' ? 'fleet view' : `${VIEWED} with 1 h of history, then live`}); ` +
    `load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} on ${(await import('node:os')).cpus().length} cores`,
);
console.log(line(head));
for (const r of rows) console.log(line(r));
console.log('');
for (const n of notes) console.log(n);
console.log(
  'page/ws peer: readings/s the page counted ÷ those a plain mqtt.js subscriber in Node counted over WebSocket, same broker, same run.\n' +
    'keeps up: no more than 1% of the step still unprocessed 3 s after it. main thread: Chromium busy time ÷ wall time;\n' +
    'model and render: the parts of it spent in FeedState.apply and in drawing the view.\n' +
    'filter / sort / open gw: ms until the fleet list shows a text filter, a new sort order, and gw-001 with its history read again, halfway through the step.',
);
