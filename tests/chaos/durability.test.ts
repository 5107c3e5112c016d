import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, useInflux, waitFor } from '../harness/index.js';
import { EdgeCounters, storedPerDevice, sum } from './counts.js';
import { resumeDevices, settle } from './settle.js';
import { ChaosStack } from './stack.js';

/**
 * Issue 13 §1: nothing a broker acknowledged is lost, whatever happens to the broker, with the
 * standalone ingestor (`tidegate ingest`) away or connected. Every part is a `tidegate` process.
 * CHAOS_TRIALS sets the number of broker kills during a backlog drain (20 for the full run).
 */
const TRIALS = Number(process.env.CHAOS_TRIALS ?? 4);
const influx = useInflux();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('broker durability (CLI processes: broker, ingest, two edges, simulated devices)', () => {
  let stack: ChaosStack;
  const counters = new EdgeCounters();

  beforeAll(async () => {
    stack = new ChaosStack({
      dir: join(tempDir('tidegate-durability-'), 'stack'),
      influxUrl: influx().url,
      database: 'durability',
      edges: 2,
      maxMessageBytes: '2KiB',
    });
    await stack.init();
    await stack.startBroker();
    await stack.startIngestor();
    await resumeDevices(stack);
    for (const edge of stack.edges) await stack.startEdge(edge);
  }, 120_000);
  afterAll(async () => {
    await stack?.dispose();
  }, 60_000);

  const storedTotal = async () => sum(await storedPerDevice(influx().url, 'durability'));

  it('(a) ingestor stopped, gateways publishing, broker kill -9, broker then ingestor restarted: every reading stored', async () => {
    await waitFor(async () => (await storedTotal()) > 50, 'readings flowing into InfluxDB', 60_000, 200);
    await stack.stopIngestor('SIGTERM');
    const before = await storedTotal();
    await sleep(3_000); // acknowledged by the broker, queued for the absent ingestor
    await stack.stopBroker('SIGKILL');
    await sleep(1_000);
    await stack.startBroker();
    await sleep(1_000);
    expect(await storedTotal()).toBe(before); // nothing could reach InfluxDB meanwhile
    await stack.startIngestor();
    const result = await settle(stack, counters);
    expect(result.read).toBeGreaterThan(before);
    expect(result.missing).toEqual({});
    expect(result.lost).toBe(0);
  }, 180_000);

  it('(c) graceful SIGTERM of the broker while the ingestor is away: every reading stored', async () => {
    await resumeDevices(stack, counters);
    await stack.stopIngestor('SIGTERM');
    await sleep(2_500);
    await stack.stopBroker('SIGTERM');
    await sleep(1_000);
    await stack.startBroker();
    await sleep(1_000);
    await stack.startIngestor();
    const result = await settle(stack, counters);
    expect(result.missing).toEqual({});
    expect(result.lost).toBe(0);
  }, 180_000);

  it(`(b) ${TRIALS} broker kill -9 at random moments of a backlog drain, with and without the ingestor: none lost`, async () => {
    await resumeDevices(stack, counters);
    const trials: { ingestor: boolean; backlogAtStart: number; killAt: number; backlogAtKill: number }[] = [];
    const backlog = () => stack.backlog();
    for (let t = 0; t < TRIALS; t++) {
      const withIngestor = t % 2 === 0;
      if (withIngestor && !stack.ingestor) await stack.startIngestor({ connected: false });
      if (!withIngestor && stack.ingestor) await stack.stopIngestor('SIGTERM');
      await stack.stopBroker('SIGKILL');
      await sleep(3_000); // the edges build a backlog
      const backlogAtStart = await backlog();
      await stack.startBroker();
      // A random moment of the drain: when the backlog has come down to a random part of what it was.
      const target = Math.floor(Math.random() * backlogAtStart);
      await waitFor(async () => (await backlog()) <= target, 'the backlog to come down', 60_000, 5);
      await stack.stopBroker('SIGKILL');
      trials.push({ ingestor: withIngestor, backlogAtStart, killAt: target, backlogAtKill: await backlog() });
    }
    await stack.startBroker();
    if (!stack.ingestor) await stack.startIngestor();
    const result = await settle(stack, counters, 15_000);
    console.table(trials);
    console.log(`read ${result.read}, stored ${result.stored}, lost ${result.lost}`);
    expect(result.missing).toEqual({});
    expect(result.lost).toBe(0);
  }, 600_000);
});
