import type { DriverDefinition, Emission, SimulatorDefinition } from '../driver.js';
import { type ModbusOptions, modbusOptionsSchema } from './options.js';
import { loadProfile, resolveRegisterMap, shippedProfiles } from './profiles.js';
import { estimateParsedPollMs } from './timing.js';

export { type ModbusOptions, type ModbusOptionsInput, modbusOptionsSchema } from './options.js';
export { BusScheduler } from './scheduler.js';
export { estimatePollMs } from './timing.js';

export const modbusDriver: DriverDefinition<ModbusOptions> = {
  name: 'modbus',
  description: 'Modbus RTU (RS-485, shared bus), RTU over TCP and Modbus TCP devices from a register-map profile',
  mode: 'poll',
  options: modbusOptionsSchema,
  example: { bus: 'rs485-1', unit: 1, profile: 'sdm630' },
  resources: (options) =>
    options.bus !== undefined
      ? [{ kind: 'bus', id: options.bus }]
      : [{ kind: 'tcp', host: options.host ?? '', port: options.port }],
  estimatePollMs: (options, line) => estimateParsedPollMs(options, line.baudRate, line),
  emits(options) {
    const maps = options ? [resolveRegisterMap(options)] : shippedProfiles().map((name) => loadProfile(name));
    return maps.map(emissionOf);
  },
  async open(options, context) {
    const { openModbusDevice } = await import('./device.js');
    return openModbusDevice(options, context);
  },
};

/** A register map's measurement and its fields (a register read `as: time` is the timestamp, not a field). */
function emissionOf(map: { measurement: string; registers: readonly { field: string; as: string }[] }): Emission {
  const fields = map.registers.filter((r) => r.as !== 'time').map((r) => r.field);
  return { measurement: map.measurement, fields: [...new Set(fields)] };
}

/** The registry's view of the driver (its options type is checked by the zod schema at run time). */
export const driver = modbusDriver as DriverDefinition<never>;

export const simulator: SimulatorDefinition = {
  describe(command) {
    command
      .description('a Modbus slave serving a profile’s registers with plausible changing values')
      .requiredOption('--profile <profile>', 'profile name (sdm630, sdm120, senseair-s8, traffic-loop) or YAML path')
      .option('--port <path>', 'serve Modbus RTU on this serial port')
      .option('--tcp <port>', 'serve Modbus TCP on this TCP port (127.0.0.1 unless --host)')
      .option('--host <host>', 'address to listen on with --tcp', '127.0.0.1')
      .option('--unit <n>', 'unit id to answer (RTU: others are ignored; TCP: any unit is answered)', '1')
      .option('--baud <rate>', 'baud rate', '9600')
      .option('--parity <parity>', 'none | even | odd', 'none');
  },
  selfTest: ({ tcpPort }) =>
    shippedProfiles().map((profile) => ({
      name: profile,
      args: ['--profile', profile, '--tcp', String(tcpPort)],
      options: { host: '127.0.0.1', port: tcpPort, profile },
    })),
  async run(options, signal) {
    const { runSimulator } = await import('./simulator/run.js');
    await runSimulator(options, signal);
  },
};
