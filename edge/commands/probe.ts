import { loadDriver } from '../../drivers/registry.js';
import { createDriverRuntime } from '../../drivers/runtime.js';
import { encodeLine } from '../../wire/line-protocol/encode.js';
import { toBusSettings } from '../agent/buses.js';
import { loadConfig } from '../config/load.js';
import { formatProblem } from '../config/problems.js';
import { devicePort, portProblem } from './port-check.js';
import { readOnce, withoutIdentifiers } from './read-once.js';

/**
 * `tidegate probe --config F --device ID`: opens one device through its real driver, reads it once
 * (a poll, or the first pushed readings), prints line protocol on stdout and what went wrong on stderr.
 * A port that cannot be opened fails at once, with why (absent, held by the running agent, permissions).
 * Identifier tags and fields are left out: they never leave the gateway in clear, not even on a screen.
 */
export async function probeCommand(file: string, deviceId: string, timeoutMs: number): Promise<number> {
  const result = await loadConfig(file);
  if (!result.ok) {
    for (const problem of result.problems) process.stderr.write(`${formatProblem(problem)}\n`);
    return 2;
  }
  const { config, devices } = result.value;
  const device = devices.find((d) => d.id === deviceId);
  if (!device) {
    process.stderr.write(`no device "${deviceId}" in ${file} (devices: ${devices.map((d) => d.id).join(', ')})\n`);
    return 2;
  }
  const port = devicePort(device, config);
  const problem = port ? await portProblem(port, (line) => process.stderr.write(`${line}\n`)) : undefined;
  if (problem) {
    process.stderr.write(`${deviceId}: ${problem}\n`);
    return 1;
  }
  const runtime = createDriverRuntime(toBusSettings(config.buses));
  try {
    const read = await readOnce(device, await loadDriver(device.driver), runtime, timeoutMs, {
      reading: (reading) => process.stdout.write(`${encodeLine(withoutIdentifiers(reading))}\n`),
      note: (line) => process.stderr.write(`${line}\n`),
    });
    if (read.problem) process.stderr.write(`${deviceId}: ${read.problem}\n`);
    return read.readings > 0 ? 0 : 1;
  } finally {
    await runtime.close();
  }
}
