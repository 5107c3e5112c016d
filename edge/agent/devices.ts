import type { DeviceHandle, DeviceSink, DeviceState, DriverModule, DriverRuntime } from '../../drivers/driver.js';
import type { ResolvedDevice } from '../config/checks.js';
import { type Poller, startPoller } from '../scheduler/poller.js';
import { watchSilence } from './silence.js';

/** What the agent knows of one device, for /health and the status message. */
export interface DeviceRecord {
  config: ResolvedDevice;
  state: DeviceState;
  readings: number;
  rejected: number;
  lastReadingAt: Date | null;
  lastError?: string;
}

export interface RunningDevice {
  record: DeviceRecord;
  /** The driver's own counters (serial port, Modbus line), empty until the device is open. */
  counters(): Readonly<Record<string, number>>;
  stop(): Promise<void>;
}

const REOPEN_MS = 30_000;

/**
 * Opens one device through its driver and keeps it running: polled at its interval (skip on overrun)
 * or left to push; a device that cannot be opened is retried every 30 s. A failed poll is a down
 * device; a pushed device is down once silent for its driver's `silenceMs` (see silence.ts).
 */
export function runDevice(
  config: ResolvedDevice,
  module: DriverModule,
  runtime: DriverRuntime,
  sink: DeviceSink,
  hooks: { onPollError(error: Error): void; onSkip(): void },
): RunningDevice {
  const record: DeviceRecord = { config, state: 'starting', readings: 0, rejected: 0, lastReadingAt: null };
  const controller = new AbortController();
  let handle: DeviceHandle | undefined;
  let poller: Poller | undefined;
  let retry: NodeJS.Timeout | undefined;
  const polledMode = config.everyMs !== undefined;
  const silenceMs = polledMode ? undefined : module.driver.silenceMs?.(config.options as never);
  const silence = silenceMs ? watchSilence(sink, silenceMs, () => record.state) : undefined;
  const out = silence?.sink ?? sink;

  const open = async () => {
    try {
      handle = await module.driver.open(config.options as never, {
        deviceId: config.id,
        sink: out,
        runtime,
        signal: controller.signal,
      });
    } catch (e) {
      record.lastError = (e as Error).message;
      if (record.state !== 'down') out.state('down', `cannot open: ${record.lastError}`);
      if (!controller.signal.aborted) retry = setTimeout(open, REOPEN_MS);
      return;
    }
    if (controller.signal.aborted) return void handle.close().catch(() => {});
    const polled = handle.poll?.bind(handle);
    if (config.everyMs !== undefined && polled)
      poller = startPoller({
        everyMs: config.everyMs,
        poll: () =>
          polled().then(
            () => {},
            (e: Error) => {
              record.lastError = e.message;
              hooks.onPollError(e);
              if (record.state !== 'down') out.state('down', `poll failed: ${e.message}`);
            },
          ),
        onSkip: hooks.onSkip,
      });
  };
  void open();

  return {
    record,
    counters: () => handle?.counters?.() ?? {},
    async stop() {
      silence?.stop();
      controller.abort();
      clearTimeout(retry);
      await poller?.stop();
      await handle?.close().catch(() => {});
    },
  };
}
