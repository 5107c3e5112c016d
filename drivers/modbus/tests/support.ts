import type { Reading } from '../../../wire/index.js';
import type { BusSettings, DeviceHandle, DeviceSink, DeviceState, DriverRuntime } from '../../driver.js';
import { createDriverRuntime } from '../../runtime.js';
import { type ModbusOptionsInput, modbusDriver, modbusOptionsSchema } from '../index.js';
import type { BusScheduler } from '../scheduler.js';

/** A sink that keeps everything a device reported. */
export interface RecordingSink extends DeviceSink {
  readings: Reading[];
  rejections: string[];
  states: DeviceState[];
}

export function recordingSink(): RecordingSink {
  const sink: RecordingSink = {
    readings: [],
    rejections: [],
    states: [],
    reading: (r) => sink.readings.push(r),
    rejected: (reason, detail) => sink.rejections.push(`${reason}: ${detail ?? ''}`),
    state: (s) => sink.states.push(s),
  };
  return sink;
}

export interface OpenedDevice {
  handle: DeviceHandle;
  sink: RecordingSink;
}

/** Opens a modbus device the way the edge agent does: options through the driver's schema, a shared runtime. */
export async function openDevice(
  runtime: DriverRuntime,
  options: ModbusOptionsInput,
  deviceId = 'meter',
): Promise<OpenedDevice> {
  const sink = recordingSink();
  const handle = await modbusDriver.open(modbusOptionsSchema.parse(options), {
    deviceId,
    sink,
    runtime,
    signal: new AbortController().signal,
  });
  return { handle, sink };
}

export function runtimeWith(buses: Record<string, BusSettings>): DriverRuntime {
  return createDriverRuntime(buses);
}

/** The scheduler a runtime holds for a key (it must exist already). */
export function schedulerOf(runtime: DriverRuntime, key: string): BusScheduler {
  return runtime.shared<BusScheduler>(key, () => {
    throw new Error(`no scheduler ${key} yet`);
  });
}

/** SDM630 values a test serves, in field units, all exactly representable as float32 shortest decimals. */
export const SDM630_VALUES: Record<string, [address: number, value: number]> = {
  voltage_l1_v: [0x00, 230.1],
  voltage_l2_v: [0x02, 229.8],
  voltage_l3_v: [0x04, 231.4],
  current_l1_a: [0x06, 5.25],
  current_l2_a: [0x08, 3.1],
  current_l3_a: [0x0a, 0.42],
  active_power_l1_w: [0x0c, 1180.5],
  active_power_l2_w: [0x0e, 690.25],
  active_power_l3_w: [0x10, 91.7],
  apparent_power_l1_va: [0x12, 1208],
  apparent_power_l2_va: [0x14, 712.4],
  apparent_power_l3_va: [0x16, 97.2],
  power_factor_l1: [0x1e, 0.977],
  power_factor_l2: [0x20, 0.969],
  power_factor_l3: [0x22, 0.943],
  active_power_w: [0x34, 1962.45],
  apparent_power_va: [0x38, 2017.6],
  power_factor: [0x3e, 0.973],
  frequency_hz: [0x46, 49.98],
  energy_import_wh: [0x48, 12345.6],
  energy_export_wh: [0x4a, 87.125],
};

/** The fields a poll must return: kWh indexes as Wh. */
export function sdm630Fields(): Record<string, number> {
  return Object.fromEntries(
    Object.entries(SDM630_VALUES).map(([field, [, value]]) => [
      field,
      field.startsWith('energy_') ? Number((value * 1000).toPrecision(15)) : value,
    ]),
  );
}
