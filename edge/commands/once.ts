import { loadDriver } from '../../drivers/registry.js';
import { createDriverRuntime } from '../../drivers/runtime.js';
import { encodeLine } from '../../wire/line-protocol/encode.js';
import { toBusSettings } from '../agent/buses.js';
import { loadConfig } from '../config/load.js';
import { formatProblem } from '../config/problems.js';
import { devicePort, portProblem } from './port-check.js';
import { type ReadOnceResult, readOnce, withoutIdentifiers } from './read-once.js';

/**
 * `tidegate edge --config F --once` (Telegraf's `--test`): reads every device of the config once, prints
 * the readings as line protocol on stdout and a summary per device on stderr. Nothing is buffered or
 * published; identifiers are left out as in `probe`. Exit 0 when every device gave a reading.
 */
export async function onceCommand(file: string, timeoutMs: number): Promise<number> {
  const result = await loadConfig(file);
  if (!result.ok) {
    for (const problem of result.problems) process.stderr.write(`${formatProblem(problem)}\n`);
    return 2;
  }
  const { config, devices } = result.value;
  const runtime = createDriverRuntime(toBusSettings(config.buses));
  const portProblems = new Map<string, Promise<string | undefined>>();
  const checkPort = (port: string) => {
    if (!portProblems.has(port))
      portProblems.set(
        port,
        portProblem(port, (line) => process.stderr.write(`${line}\n`)),
      );
    return portProblems.get(port)!;
  };
  let results: ReadOnceResult[];
  try {
    // Ports first, one at a time per port: a bus shared by several devices is opened once by the drivers.
    const blocked = new Map<string, string>();
    for (const device of devices) {
      const port = devicePort(device, config);
      const problem = port ? await checkPort(port) : undefined;
      if (problem) blocked.set(device.id, problem);
    }
    results = await Promise.all(
      devices.map(async (device): Promise<ReadOnceResult> => {
        const problem = blocked.get(device.id);
        if (problem) return { readings: 0, rejected: 0, problem, ms: 0 };
        return readOnce(device, await loadDriver(device.driver), runtime, timeoutMs, {
          reading: (reading) => process.stdout.write(`${encodeLine(withoutIdentifiers(reading))}\n`),
          note: (line) => process.stderr.write(`${line}\n`),
        });
      }),
    );
  } finally {
    await runtime.close();
  }
  process.stderr.write(summary(devices, results));
  return results.every((r) => r.readings > 0) ? 0 : 1;
}

function summary(devices: { id: string; driver: string }[], results: ReadOnceResult[]): string {
  const rows = devices.map((d, i) => {
    const r = results[i]!;
    const outcome = r.problem ?? `ok in ${(r.ms / 1000).toFixed(1)} s`;
    return [d.id, d.driver, String(r.readings), String(r.rejected), outcome];
  });
  const header = ['device', 'driver', 'readings', 'rejected', 'result'];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c]!.length)));
  const line = (cells: string[]) =>
    cells.map((cell, c) => (c === cells.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ');
  const ok = results.filter((r) => r.readings > 0).length;
  return `${[header, ...rows].map(line).join('\n')}\n${ok}/${devices.length} devices read; nothing was published\n`;
}
