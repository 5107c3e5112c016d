import type * as z from 'zod';
import type { Reading } from '../wire/reading.js';

/**
 * The contract between a driver (bytes ⇄ readings) and whoever runs it: the edge agent, `tidegate
 * probe`, `tidegate decode`, the tests. Each driver folder's index.ts exports `driver` (a
 * DriverDefinition) and, when it has them, `decoder` (for `tidegate decode`) and `simulator` (for
 * `tidegate simulate`).
 */

export type DeviceState = 'starting' | 'up' | 'down';

/** Where a device sends what it produces. Every call is synchronous and must not throw. */
export interface DeviceSink {
  /** A decoded reading; `time` is when the sensor was read (ns), tags/fields per docs/data.md. */
  reading(reading: Reading): void;
  /** A frame, group or reply that was refused, with the reason ("checksum", "truncated", ...). */
  rejected(reason: string, detail?: string): void;
  /** The device stopped answering (down) or answers again (up). */
  state(state: DeviceState, reason?: string): void;
  /**
   * The device spoke without a reading (a heartbeat line, a status frame): it counts as a sign of life
   * against the driver's `silenceMs`, like a reading does. Optional for sinks; drivers call `sink.alive?.()`.
   */
  alive?(): void;
}

/** Serial line settings, as in the gateway config's `buses:` or a device's own `port`. */
export interface SerialSettings {
  path: string;
  baudRate: number;
  dataBits?: 5 | 6 | 7 | 8;
  parity?: 'none' | 'even' | 'odd' | 'mark' | 'space';
  stopBits?: 1 | 1.5 | 2;
}

/** What a driver gets when one of its devices is opened. */
export interface DeviceContext {
  deviceId: string;
  sink: DeviceSink;
  /** Resources shared between devices of one gateway (shared RS-485 buses). */
  runtime: DriverRuntime;
  /** Aborted when the device is closed. */
  signal: AbortSignal;
  /** `tidegate probe`: read once without consuming anything (a drop folder's files stay where they are). */
  readOnly?: boolean;
}

/** An open device. Push drivers (teleinfo, traffic, SDS011 active mode) emit on their own; poll drivers also have `poll`. */
export interface DeviceHandle {
  /** Reads the device once now; the readings are also given to the sink. */
  poll?(): Promise<Reading[]>;
  /**
   * Cumulative counts of the driver's own machinery (serial port opens and bytes, Modbus requests and
   * timeouts), snake_case keys; the agent exports them as `tidegate_driver_total{device,counter}`.
   */
  counters?(): Readonly<Record<string, number>>;
  close(): Promise<void>;
}

/**
 * Something a device holds while it is open, so `check` can find two devices fighting over it:
 * - `serial-port`: a serial device path, held by one device alone;
 * - `bus`: a bus of the config's `buses:` section, shared by the devices that name it (and polled in turn);
 * - `tcp`: a host and port, which several devices may share;
 * - `folder`: a drop folder, read (and its files moved) by one device alone.
 */
export type ResourceClaim = (
  | { kind: 'serial-port'; path: string }
  | { kind: 'bus'; id: string }
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'folder'; path: string }
) & {
  /** The option key a problem with the claim is reported at (default: port, bus, host). */
  key?: string;
};

/** One measurement a driver emits, with the fields it may carry: names of the catalogue (wire/catalogue). */
export interface Emission {
  measurement: string;
  fields: readonly string[];
}

/** The self-data consents of docs/privacy.md, coarsest first. */
export type SelfDataConsent = 'none' | 'daily' | 'half-hourly' | 'raw';

/**
 * Everything the rest of tidegate needs to know about a driver, declared by the driver itself: adding a
 * sensor is a driver folder and its registry line, with no edit elsewhere (drivers/README.md).
 */
export interface DriverDefinition<Options = unknown> {
  name: string;
  /** One line for `tidegate --help` and config hints. */
  description: string;
  /** 'poll': the agent calls poll() at the device's interval; 'push': the device reports by itself. */
  mode: 'poll' | 'push' | 'either';
  /**
   * The device's options in the gateway config, beside the common id/driver/every/consent keys. Strict:
   * an unknown key (a misspelt `consnet`, `unti`) is an error, never silently ignored (z.strictObject).
   */
  options: z.ZodType<Options>;
  /** Options of a working device entry, as a technician would write them: the README's example, tested. */
  example: Record<string, unknown>;
  /** What a device with these options holds: its serial port, its bus, its TCP peer. */
  resources(options: Options): ResourceClaim[];
  /**
   * How long one poll of a device on a bus takes at the bus' line settings, in ms, when the driver can
   * compute it (Modbus: its planned requests); `check` refuses intervals and bus loads that cannot be honoured.
   */
  estimatePollMs?(options: Options, line: Omit<SerialSettings, 'path'>): number;
  /**
   * For devices that are self-data by nature (a home's meter): the consent that applies when the config
   * gives none. Undefined: not self-data, readings leave as they are unless the config sets a consent.
   */
  defaultConsent?: SelfDataConsent;
  /**
   * The measurements and fields it emits. Without options: everything it can emit (every shipped
   * profile); with a device's options: what that device emits. Every name must be in the catalogue.
   */
  emits(options?: Options): Emission[];
  /**
   * For a device that reports by itself: how long without a reading (or `sink.alive()`) means it is
   * down, derived from its options (its reporting interval, a heartbeat). The agent then reports it
   * `down` with the reason and a `device_down` event, and `up` again at the next reading. Undefined
   * (or a result of undefined, e.g. in a polled mode): the driver's own state reports are all there is.
   */
  silenceMs?(options: Options): number | undefined;
  open(options: Options, context: DeviceContext): Promise<DeviceHandle>;
}

/** Shared state of the drivers of one gateway: buses by id. Created by the agent, closed on exit. */
export interface DriverRuntime {
  /** Serial settings of a bus declared in the config's `buses:` section. */
  busSettings(busId: string): BusSettings | undefined;
  /** A value shared per key (a bus scheduler, an open port), created on first use. */
  shared<T>(key: string, create: () => T): T;
  close(): Promise<void>;
}

export type BusSettings =
  | ({ kind: 'serial' } & SerialSettings & { timeoutMs?: number })
  | { kind: 'tcp'; host: string; port: number; timeoutMs?: number; rtuOverTcp?: boolean };

/** `tidegate decode DRIVER`: raw bytes in, readings and rejections out. */
export interface StreamDecoder {
  /** Feed bytes as they come; call `end` at the end of input to flush a partial frame. */
  push(chunk: Uint8Array): void;
  end(): void;
}

export interface DecoderDefinition {
  /** Modes the driver's bytes can be in (e.g. teleinfo "historique" | "standard"). */
  modes?: readonly string[];
  create(options: { mode?: string; deviceId: string; now: () => bigint }, sink: DeviceSink): StreamDecoder;
}

/** `tidegate simulate DRIVER`: a device that writes (or answers) on a serial port or TCP. */
export interface SimulatorDefinition {
  /** Adds the simulator's own options to its `simulate` sub-command. */
  describe(command: import('commander').Command): void;
  /** Runs until the signal aborts. */
  run(options: Record<string, unknown>, signal: AbortSignal): Promise<void>;
  /**
   * How the registry conformance test (drivers/conformance.test.ts) runs this simulator against its own
   * driver: given a PTY pair (the simulator writes on `simulatorPort`, the driver reads `driverPort`) and a
   * free TCP port, the simulator's command-line arguments and the device options that read it. Several
   * cases for a driver with several shapes of device (one per shipped Modbus profile).
   */
  selfTest(link: SelfTestLink): SelfTestCase[];
}

export interface SelfTestLink {
  simulatorPort: string;
  driverPort: string;
  tcpPort: number;
  /** An empty temporary folder. */
  dir: string;
}

export interface SelfTestCase {
  name: string;
  args: string[];
  options: Record<string, unknown>;
}

export interface DriverModule {
  driver: DriverDefinition<never>;
  decoder?: DecoderDefinition;
  simulator?: SimulatorDefinition;
}
