import { waitFor } from '../harness/index.js';
import type { EdgeCounters } from './counts.js';
import type { ChaosStack, EdgeHandle } from './stack.js';

export interface FaultContext {
  stack: ChaosStack;
  counters: EdgeCounters;
  /** How long the fault lasts (the long run holds faults longer). */
  holdMs: number;
  /** Stops and starts InfluxDB on the same port and data. */
  influx: { stop(): Promise<void>; start(): Promise<void> };
}

export interface Fault {
  name: string;
  /** Brings the fault on and holds it; resolves once it is lifted (the recovery clock starts then). */
  run(ctx: FaultContext): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The faults of issue 13 §2, in the order they run. */
export const FAULTS: Fault[] = [
  {
    name: 'broker kill -9',
    async run({ stack, holdMs }) {
      await stack.stopBroker('SIGKILL');
      await sleep(holdMs);
      await stack.startBroker();
    },
  },
  {
    name: 'broker SIGTERM',
    async run({ stack, holdMs }) {
      await stack.stopBroker('SIGTERM');
      await sleep(holdMs);
      await stack.startBroker();
    },
  },
  {
    name: 'influxd stopped',
    async run({ influx, holdMs }) {
      await influx.stop();
      await sleep(holdMs);
      await influx.start();
    },
  },
  {
    name: 'ingestor kill -9',
    async run({ stack, holdMs }) {
      await stack.stopIngestor('SIGKILL');
      await sleep(holdMs);
      await stack.startIngestor();
    },
  },
  {
    name: 'edge kill -9',
    async run({ stack, counters, holdMs }) {
      const edge = stack.edges[0]!;
      await counters.totals(stack.edges); // a process's counters die with it: the last look before
      await stack.stopEdge(edge, 'SIGKILL');
      counters.bank(edge);
      await sleep(holdMs);
      await stack.startEdge(edge);
    },
  },
  {
    name: 'broker kill -9 in a drain, ingestor away',
    async run({ stack, holdMs }) {
      await stack.stopIngestor('SIGTERM');
      await stack.stopBroker('SIGKILL');
      await sleep(holdMs);
      const backlog = await stack.backlog();
      await stack.startBroker();
      await stack.waitForDrainStart(backlog);
      await sleep(Math.random() * 200);
      await stack.stopBroker('SIGKILL');
      await stack.startBroker();
      await stack.startIngestor();
    },
  },
  {
    name: 'garbage on a serial line',
    async run({ stack, holdMs }) {
      const edge = stack.edges[0]!;
      // The port is locked by its simulator: this one replaces it while the fault lasts.
      const rejectedBefore = await rejectedFrames(edge);
      await edge.sds011?.stop();
      const garbage = stack.startSds011(edge, ['--fault-every', '2', '--faults', 'garbage,checksum,truncated']);
      await waitFor(async () => (await rejectedFrames(edge)) > rejectedBefore, 'frames rejected', 60_000, 100);
      await sleep(holdMs);
      await garbage.stop();
      edge.sds011 = stack.startSds011(edge, []);
    },
  },
  {
    name: 'network cut (proxy stops forwarding)',
    async run({ stack, holdMs }) {
      stack.proxy!.cutNetwork();
      await sleep(holdMs);
      stack.proxy!.restore();
    },
  },
];

async function rejectedFrames(edge: EdgeHandle): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${edge.healthPort}/metrics`)).text();
  let n = 0;
  for (const m of text.matchAll(/^tidegate_frames_rejected_total\{[^}]*\} (\d+)/gm)) n += Number(m[1]);
  return n;
}
