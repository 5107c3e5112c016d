import { join } from 'node:path';
import { type ManagedInflux, startManagedInflux } from '../../broker/influxdb/managed.js';
import { addUser } from '../../broker/server/index.js';
import { waitFor } from '../harness/index.js';
import { EdgeCounters, storedPerDevice, type Tally } from './counts.js';
import { FAULTS, type Fault } from './faults.js';
import { Observer } from './observer.js';
import { resumeDevices, settle } from './settle.js';
import { ChaosStack } from './stack.js';
import { DuplicateTap } from './tap.js';

export interface ChaosRow {
  fault: string;
  read: number;
  stored: number;
  lost: number;
  duplicates: number;
  /** Seconds from the fault's end until InfluxDB held every reading read until then. */
  recoveryS: number | null;
  saw: string;
}

export interface ChaosOptions {
  dir: string;
  holdMs: number;
  faults?: Fault[];
  log?: (line: string) => void;
}

/**
 * Starts InfluxDB and the whole chain as processes, then runs each fault in turn: hold it, lift it,
 * time the recovery, then stop the devices until everything read is stored (or stuck) and count.
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosRow[]> {
  const log = options.log ?? (() => {});
  const influxDir = join(options.dir, 'influxdb');
  let influx: ManagedInflux | undefined = await startManagedInflux({ dir: influxDir });
  const influxPort = influx.port;
  const stack = new ChaosStack({ dir: join(options.dir, 'stack'), influxUrl: influx.url, database: 'chaos', edges: 2 });
  const counters = new EdgeCounters();
  const tap = new DuplicateTap();
  const rows: ChaosRow[] = [];
  try {
    await stack.init();
    const operator = await addUser(join(options.dir, 'stack', 'users.yaml'), 'chaos-tap', 'operator');
    await stack.startBroker();
    await stack.startIngestor();
    await tap.start(`mqtt://127.0.0.1:${stack.brokerPort}`, 'chaos-tap', operator.password);
    await resumeDevices(stack);
    for (const edge of stack.edges) await stack.startEdge(edge);
    await waitFor(async () => total(await storedPerDevice(influx!.url, 'chaos')) > 20, 'first readings', 60_000, 200);
    let before = await settle(stack, counters);
    let dupBefore = tap.duplicates;
    const ctx = {
      stack,
      counters,
      holdMs: options.holdMs,
      influx: {
        stop: async () => {
          await influx?.stop();
          influx = undefined;
        },
        start: async () => {
          influx = await startManagedInflux({ dir: influxDir, port: influxPort });
        },
      },
    };
    for (const fault of options.faults ?? FAULTS) {
      await resumeDevices(stack, counters);
      log(`fault: ${fault.name}`);
      const observer = new Observer(stack);
      await observer.start();
      await fault.run(ctx);
      const lifted = Date.now();
      const readAtLift = (await counters.totals(stack.edges)).read;
      const recovered = await waitFor(
        async () => covers(await storedPerDevice(influx!.url, 'chaos', readAtLift), readAtLift),
        'recovery',
        90_000,
        100,
      ).then(
        () => (Date.now() - lifted) / 1000,
        () => null,
      );
      const saw = await observer.stop();
      const after = await settle(stack, counters);
      rows.push({
        fault: fault.name,
        read: after.read - before.read,
        stored: after.stored - before.stored,
        lost: after.lost - before.lost,
        duplicates: tap.duplicates - dupBefore,
        recoveryS: recovered,
        saw,
      });
      log(formatRow(rows[rows.length - 1]!));
      before = after;
      dupBefore = tap.duplicates;
    }
  } finally {
    await tap.stop().catch(() => {});
    await stack.dispose();
    await influx?.stop();
  }
  return rows;
}

function total(t: Tally): number {
  return [...t.values()].reduce((a, b) => a + b, 0);
}

function covers(stored: Tally, read: Tally): boolean {
  for (const [k, n] of read) if ((stored.get(k) ?? 0) < n) return false;
  return true;
}

function formatRow(r: ChaosRow): string {
  return `${r.fault}: read ${r.read}, stored ${r.stored}, lost ${r.lost}, duplicates ${r.duplicates}, recovery ${r.recoveryS ?? 'none'} s; ${r.saw}`;
}

/** The table the chaos run prints. */
export function formatChaosTable(rows: ChaosRow[]): string {
  const header = ['fault', 'read', 'stored', 'lost', 'duplicates', 'recovery s', 'what the operator saw'];
  const body = rows.map((r) => [
    r.fault,
    String(r.read),
    String(r.stored),
    String(r.lost),
    String(r.duplicates),
    r.recoveryS === null ? 'none' : r.recoveryS.toFixed(1),
    r.saw,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}
