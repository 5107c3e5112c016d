import { describe, expect, it } from 'vitest';
import { parseConfig } from './load.js';

/** The config check against the real drivers' declarations (drivers/driver.ts), as a new user meets it. */
const base = `gateway: { id: gw-1, site: port }
mqtt: { url: mqtt://127.0.0.1:1883 }
buffer: { path: /tmp/b.db }
buses:
  rs485-1: { port: /dev/ttyUSB0, baudRate: 9600 }
devices:
`;

async function check(devices: string) {
  const result = await parseConfig('gw.yaml', base + devices);
  return result.ok ? { devices: result.value.devices, problems: [] } : { devices: [], problems: result.problems };
}

describe('driver options are strict', () => {
  it('refuses a misspelt consent on a home meter, which would otherwise publish raw readings', async () => {
    const { problems } = await check(
      '  - { id: home, driver: modbus, bus: rs485-1, profile: sdm120, every: 10s, consnet: daily }\n',
    );
    expect(problems).toMatchObject([{ line: 7, key: 'devices[0].consnet', message: 'unknown key "consnet"' }]);
  });

  it('refuses a misspelt unit id instead of polling unit 1', async () => {
    const { problems } = await check(
      '  - { id: m1, driver: modbus, bus: rs485-1, profile: sdm630, every: 10s, unti: 2 }\n',
    );
    expect(problems.map((p) => p.key)).toEqual(['devices[0].unti']);
  });

  it('refuses unknown keys inside an inline register too', async () => {
    const { problems } = await check(`  - id: m1
    driver: modbus
    bus: rs485-1
    every: 10s
    measurement: air_quality
    registers:
      - { field: co2_ppm, table: input, address: 3, scael: 10 }
`);
    expect(problems.map((p) => [p.line, p.key])).toEqual([[13, 'devices[0].registers[0].scael']]);
  });

  it('refuses a register field outside the measurement catalogue: it would get no rollup', async () => {
    const { problems } = await check(`  - id: m1
    driver: modbus
    bus: rs485-1
    every: 10s
    measurement: air_quality
    registers:
      - { field: co2, table: input, address: 3 }
`);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toBe('field "co2" of air_quality is not in the catalogue (wire/catalogue)');
  });
});

describe('what drivers declare reaches the gateway', () => {
  it("gives a home meter its driver's default consent, and other devices none", async () => {
    const { devices, problems } = await check(`  - { id: linky, driver: teleinfo, port: /dev/ttyAMA0 }
  - { id: linky-raw, driver: teleinfo, port: /dev/ttyAMA1, consent: raw }
  - { id: pm-1, driver: sds011, port: /dev/ttyUSB1 }
`);
    expect(problems).toEqual([]);
    expect(devices.map((d) => [d.id, d.consent])).toEqual([
      ['linky', 'daily'],
      ['linky-raw', 'raw'],
      ['pm-1', undefined],
    ]);
  });

  it('finds a serial port held by a bus and by a device of another driver', async () => {
    const { problems } = await check('  - { id: road, driver: traffic, port: /dev/ttyUSB0 }\n');
    expect(problems).toMatchObject([
      { key: 'devices[0].port', message: 'serial port /dev/ttyUSB0 is already used by bus rs485-1' },
    ]);
  });

  it('uses the Modbus driver poll-time estimate against the bus line', async () => {
    const { problems } = await check('  - { id: m1, driver: modbus, bus: rs485-1, profile: sdm630, every: 20ms }\n');
    expect(problems.map((p) => p.key).sort()).toEqual(['buses.rs485-1', 'devices[0].every']);
  });
});
