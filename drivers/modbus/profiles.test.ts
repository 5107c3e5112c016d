import { describe, expect, it } from 'vitest';
import { modbusOptionsSchema } from './options.js';
import { parseProfile } from './profiles.js';

describe('profile errors name the file, line and key', () => {
  it('a wrong type', () => {
    const source = [
      'measurement: electricity',
      'registers:',
      '  - { field: voltage_v, table: input, address: 0, type: float32 }',
      '  - { field: current_a, table: input, address: 6, type: float33 }',
    ].join('\n');
    expect(() => parseProfile(source, 'meter.yaml')).toThrow(/^meter\.yaml:4: registers\.1\.type: /);
  });

  it('a bit type in a register table needs no length, a string does', () => {
    const source = [
      'measurement: traffic',
      'registers:',
      '  - field: serial',
      '    table: holding',
      '    address: 9',
      '    type: string',
    ].join('\n');
    expect(() => parseProfile(source, 'p.yaml')).toThrow(/p\.yaml:\d: registers\.0\.length: a string needs its length/);
  });

  it('a YAML syntax error', () => {
    expect(() => parseProfile('registers: [\n', 'bad.yaml')).toThrow(/^bad\.yaml:\d+:\d+: /);
  });

  it('an unknown key', () => {
    expect(() => parseProfile('measurement: traffic\nregister: []\n', 'k.yaml')).toThrow(/k\.yaml/);
  });
});

describe('device options', () => {
  it('need a bus or a host, and a profile or registers', () => {
    expect(modbusOptionsSchema.safeParse({ unit: 1, profile: 'sdm630' }).success).toBe(false);
    expect(modbusOptionsSchema.safeParse({ bus: 'b', host: 'h', profile: 'sdm630' }).success).toBe(false);
    expect(modbusOptionsSchema.safeParse({ bus: 'b' }).success).toBe(false);
    expect(modbusOptionsSchema.parse({ bus: 'b', profile: 'sdm630' })).toMatchObject({ unit: 1, retries: 1 });
  });

  it('name a profile that exists: a typo is reported at the profile key with the shipped names', () => {
    const result = modbusOptionsSchema.safeParse({ bus: 'b', profile: 'sdm63' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ path: ['profile'] });
    expect(result.error?.issues[0]?.message).toMatch(
      /no file .*sdm63\.yaml \(shipped: sdm120, sdm630, senseair-s8, traffic-loop\)/,
    );
  });

  it('refuse more than 125 registers per request', () => {
    expect(modbusOptionsSchema.safeParse({ host: 'h', profile: 'sdm630', maxRegistersPerRequest: 126 }).success).toBe(
      false,
    );
  });
});
