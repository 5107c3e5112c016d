import { loadDriver } from '../../drivers/registry.js';
import { createDriverRuntime } from '../../drivers/runtime.js';
import { encodeLine } from '../../wire/line-protocol/encode.js';
import type { Reading } from '../../wire/reading.js';
import { toBusSettings } from '../agent/buses.js';
import { loadConfig } from '../config/load.js';
import { formatProblem } from '../config/problems.js';

/**
 * `tidegate probe --config F --device ID`: opens one device through its real driver, reads it once
 * (a poll, or the first pushed readings), prints line protocol on stdout and what went wrong on stderr.
 * Identifier tags and fields are left out: they never leave the gateway in clear, not even on a screen.
 */
export async function probeCommand(file: string, deviceId: string, timeoutMs: number): Promise<number> {
  const result = await loadConfig(file);
  if (!result.ok) {
    for (const problem of result.problems) process.stderr.write(`${formatProblem(problem)}\n`);
    return 2;
  }
  const device = result.value.devices.find((d) => d.id === deviceId);
  if (!device) {
    process.stderr.write(
      `no device "${deviceId}" in ${file} (devices: ${result.value.devices.map((d) => d.id).join(', ')})\n`,
    );
    return 2;
  }
  const { driver } = await loadDriver(device.driver);
  const runtime = createDriverRuntime(toBusSettings(result.value.config.buses));
  const controller = new AbortController();
  let printed = 0;
  let gotReading: () => void = () => {};
  const first = new Promise<void>((resolve) => {
    gotReading = resolve;
  });
  const print = (reading: Reading) => {
    process.stdout.write(`${encodeLine(withoutIdentifiers(reading))}\n`);
    printed++;
    gotReading();
  };
  let timer: NodeJS.Timeout | undefined;
  try {
    const handle = await driver.open(device.options as never, {
      deviceId,
      runtime,
      signal: controller.signal,
      readOnly: true,
      sink: {
        reading: print,
        rejected: (reason, detail) => process.stderr.write(`rejected: ${reason}${detail ? `: ${detail}` : ''}\n`),
        state: (state, reason) => process.stderr.write(`device ${state}${reason ? `: ${reason}` : ''}\n`),
      },
    });
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    if (handle.poll)
      await Promise.race([
        handle.poll().catch((e: Error) => process.stderr.write(`poll failed: ${e.message}\n`)),
        timeout,
      ]);
    else await Promise.race([first, timeout]);
    controller.abort();
    await handle.close();
  } catch (e) {
    process.stderr.write(`cannot open ${deviceId}: ${(e as Error).message}\n`);
  } finally {
    clearTimeout(timer);
    await runtime.close();
  }
  if (printed === 0) process.stderr.write(`no reading from ${deviceId} within ${timeoutMs} ms\n`);
  return printed > 0 ? 0 : 1;
}

function withoutIdentifiers(reading: Reading): Reading {
  const { identifiers, ...rest } = reading;
  const tags = { ...rest.tags };
  const fields = { ...rest.fields };
  for (const name of identifiers ?? []) {
    delete tags[name];
    delete fields[name];
  }
  return { ...rest, tags, fields };
}
