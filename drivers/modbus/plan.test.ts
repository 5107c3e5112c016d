import { describe, expect, it } from 'vitest';
import { modbusOptionsSchema, type RegisterDef, type RegisterInput, registerSchema } from './options.js';
import { planRequests } from './plan.js';
import { loadProfile, resolveRegisterMap } from './profiles.js';

const reg = (r: RegisterInput): RegisterDef => registerSchema.parse(r);
const settings = { maxRegistersPerRequest: 125, maxGap: 10, singleValueReads: false };
const shape = (blocks: ReturnType<typeof planRequests>) =>
  blocks.map((b) => `${b.request.table}@${b.request.address}+${b.request.quantity}:${b.values.length}`);

describe('request coalescing', () => {
  const floats = [0, 2, 4, 30, 32].map((address) =>
    reg({ field: `f${address}`, table: 'input', address, type: 'float32' }),
  );

  it('joins contiguous values and gaps up to maxGap, splits beyond', () => {
    expect(shape(planRequests(floats, settings))).toEqual(['input@0+6:3', 'input@30+4:2']);
    expect(shape(planRequests(floats, { ...settings, maxGap: 24 }))).toEqual(['input@0+34:5']);
  });

  it('never exceeds maxRegistersPerRequest', () => {
    const many = Array.from({ length: 100 }, (_, i) =>
      reg({ field: `v${i}`, table: 'holding', address: i * 2, type: 'uint32' }),
    );
    const blocks = planRequests(many, { ...settings, maxRegistersPerRequest: 80 });
    expect(shape(blocks)).toEqual(['holding@0+80:40', 'holding@80+80:40', 'holding@160+40:20']);
  });

  it('keeps tables apart and reads one value per request on demand', () => {
    const mixed = [...floats, reg({ field: 'h', table: 'holding', address: 1 })];
    expect(planRequests(mixed, settings)).toHaveLength(3);
    expect(planRequests(mixed, { ...settings, singleValueReads: true })).toHaveLength(6);
  });

  it('reads overlapping values (bits of one register, one register for two lanes) once', () => {
    const bits = [0, 1, 15].map((bit) => reg({ field: `b${bit}`, table: 'holding', address: 7, type: 'bit', bit }));
    expect(shape(planRequests(bits, settings))).toEqual(['holding@7+1:3']);
  });

  it('coalesces coils with a gap counted in bits × 16', () => {
    const coils = [0, 100, 200].map((address) => reg({ field: `c${address}`, table: 'coil', address, type: 'bit' }));
    expect(shape(planRequests(coils, settings))).toEqual(['coil@0+201:3']);
    expect(shape(planRequests(coils, { ...settings, maxGap: 1 }))).toEqual([
      'coil@0+1:1',
      'coil@100+1:1',
      'coil@200+1:1',
    ]);
  });
});

describe('profiles', () => {
  const requests = (profile: string) => {
    const map = resolveRegisterMap(options(profile));
    return planRequests(map.registers, map.planning);
  };
  const options = (profile: string) => modbusOptionsSchema.parse({ bus: 'rs485-1', unit: 1, profile });

  it('the SDM630 full poll takes at most 3 requests', () => {
    expect(requests('sdm630').length).toBeLessThanOrEqual(3);
    expect(shape(requests('sdm630'))).toEqual(['input@0+36:15', 'input@52+24:6']);
  });

  it.each(['sdm120', 'sdm630', 'senseair-s8', 'traffic-loop'])('%s loads and plans', (name) => {
    const profile = loadProfile(name);
    expect(profile.registers.length).toBeGreaterThan(0);
    expect(requests(name).length).toBeGreaterThan(0);
  });

  it('SDM energies are converted from kWh to Wh', () => {
    const energy = loadProfile('sdm630').registers.find((r) => r.field === 'energy_import_wh');
    expect(energy).toMatchObject({ type: 'float32', scale: 1000 });
  });
});
