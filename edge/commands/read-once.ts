import type { DriverModule, DriverRuntime } from '../../drivers/driver.js';
import type { Reading } from '../../wire/reading.js';
import type { ResolvedDevice } from '../config/checks.js';

export interface ReadOnceResult {
  readings: number;
  rejected: number;
  /** Why no reading came: the open or poll error, or the timeout. */
  problem?: string;
  ms: number;
}

export interface ReadOnceOutput {
  reading(reading: Reading): void;
  note(line: string): void;
}

/**
 * Opens one device through its real driver, reads it once (a poll, or the first pushed readings) and
 * closes it. What `tidegate probe` does for one device and `tidegate edge --once` for each.
 */
export async function readOnce(
  device: ResolvedDevice,
  module: DriverModule,
  runtime: DriverRuntime,
  timeoutMs: number,
  out: ReadOnceOutput,
): Promise<ReadOnceResult> {
  const started = performance.now();
  const controller = new AbortController();
  const result: ReadOnceResult = { readings: 0, rejected: 0, ms: 0 };
  let gotReading: () => void = () => {};
  const first = new Promise<void>((resolve) => {
    gotReading = resolve;
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const handle = await module.driver.open(device.options as never, {
      deviceId: device.id,
      runtime,
      signal: controller.signal,
      readOnly: true,
      sink: {
        reading(reading) {
          result.readings++;
          out.reading(reading);
          gotReading();
        },
        rejected(reason, detail) {
          result.rejected++;
          out.note(`${device.id}: rejected: ${reason}${detail ? `: ${detail}` : ''}`);
        },
        state: (state, reason) => out.note(`${device.id}: device ${state}${reason ? `: ${reason}` : ''}`),
      },
    });
    const read = handle.poll
      ? handle.poll().then(
          () => undefined,
          (e: Error) => {
            result.problem = `poll failed: ${e.message}`;
          },
        )
      : first;
    if ((await Promise.race([read, timeout])) === 'timeout' && result.readings === 0)
      result.problem = `no reading within ${formatMs(timeoutMs)}`;
    controller.abort();
    await handle.close();
  } catch (e) {
    result.problem = `cannot open: ${(e as Error).message}`;
  } finally {
    clearTimeout(timer);
  }
  if (result.readings === 0 && !result.problem) result.problem = 'no reading';
  result.ms = performance.now() - started;
  return result;
}

/** A reading as it may be shown on a screen: identifier tags and fields left out (never in clear). */
export function withoutIdentifiers(reading: Reading): Reading {
  const { identifiers, ...rest } = reading;
  const tags = { ...rest.tags };
  const fields = { ...rest.fields };
  for (const name of identifiers ?? []) {
    delete tags[name];
    delete fields[name];
  }
  return { ...rest, tags, fields };
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
