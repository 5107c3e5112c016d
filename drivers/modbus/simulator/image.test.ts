import { describe, expect, it } from 'vitest';
import { loadProfile } from '../profiles.js';
import { RegisterImage } from './image.js';

describe('the simulator register image', () => {
  const sdm630 = loadProfile('sdm630');

  it('serves every address between the lowest and highest used, refuses others with exception 02', () => {
    const image = new RegisterImage(sdm630.registers);
    expect(image.read({ table: 'input', address: 0, quantity: 76 })).toBeInstanceOf(Buffer);
    expect(image.read({ table: 'input', address: 0, quantity: 77 })).toBe(2);
    expect(image.read({ table: 'holding', address: 0, quantity: 1 })).toBe(2);
    expect(image.read({ table: 'input', address: 0, quantity: 126 })).toBe(3);
  });

  it('moves values inside their range, and energy indexes only grow', () => {
    const image = new RegisterImage(sdm630.registers);
    const read = (address: number) => (image.read({ table: 'input', address, quantity: 2 }) as Buffer).readFloatBE(0);
    const volts: number[] = [];
    const kwh: number[] = [];
    for (let s = 0; s < 600; s += 30) {
      image.update(s);
      volts.push(read(0));
      kwh.push(read(0x48));
    }
    expect(new Set(volts.map((v) => v.toFixed(1))).size).toBeGreaterThan(5);
    for (const v of volts) expect(v >= 226 && v <= 234).toBe(true);
    for (let i = 1; i < kwh.length; i++) expect(kwh[i]!).toBeGreaterThan(kwh[i - 1]!);
  });
});
