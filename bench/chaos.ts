/**
 * The chaos run, long version: InfluxDB, the broker (SQLite sessions), `tidegate ingest` and two edges
 * reading a simulated Modbus TCP meter and a simulated SDS011 on a virtual serial line, every part a
 * process started through the CLI; then each fault in turn (broker kill -9 and SIGTERM, influxd
 * stopped, ingestor kill -9, edge kill -9, broker killed in a backlog drain with the ingestor away,
 * garbage on a serial line, a network cut between edges and broker), held CHAOS_HOLD_S seconds
 * (default 20). Prints a table: fault, readings read, stored, lost, duplicates seen, recovery time,
 * what the operator saw. Needs influxd (Debian influxdb) and socat.
 *
 *   npx tsx bench/chaos.ts                 (CHAOS_HOLD_S=60 for longer faults; BENCH_QUICK=1: 3 s)
 */

import { formatChaosTable, runChaos } from '../tests/chaos/run-chaos.js';
import { removeTempDir, tempDir } from '../tests/harness/cleanup.js';

const holdS = process.env.BENCH_QUICK === '1' ? 3 : Number(process.env.CHAOS_HOLD_S ?? 20);
const dir = tempDir('tidegate-chaos-');
const started = Date.now();
try {
  const rows = await runChaos({ dir, holdMs: holdS * 1000, log: (line) => console.log(line) });
  console.log(`\nchaos run, faults held ${holdS} s, ${((Date.now() - started) / 1000).toFixed(0)} s in all\n`);
  console.log(formatChaosTable(rows));
  // A killed edge may lose what it read since its last buffer flush (flushEvery: 100 ms here, docs/edge.md).
  const lost = rows.filter((r) => r.fault !== 'edge kill -9').reduce((n, r) => n + r.lost, 0);
  const edge = rows.find((r) => r.fault === 'edge kill -9')?.lost ?? 0;
  console.log(`\n${lost} readings lost past an edge (${edge} in the edge kill, its last 100 ms flush at most)`);
  process.exitCode = lost === 0 ? 0 : 1;
} finally {
  removeTempDir(dir);
}
process.exit();
