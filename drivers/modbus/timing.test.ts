import { describe, expect, it } from 'vitest';
import { bitsPerCharacter, estimatePollMs, silenceMs } from './timing.js';

describe('estimatePollMs: line time of a full poll', () => {
  it('SDM630 at 9600 8N1: two requests, 146 characters and four 3.5-character silences', () => {
    // Request 1 reads 36 registers: 8 + (1 + 2 + 72 + 2) bytes; request 2 reads 24: 8 + (1 + 2 + 48 + 2).
    const characters = 8 + 77 + 8 + 53 + 4 * 3.5;
    expect(estimatePollMs({ bus: 'rs485-1', unit: 1, profile: 'sdm630' }, 9600)).toBeCloseTo(
      (characters * 10 * 1000) / 9600,
      6,
    );
  });

  it('scales with the baud rate, and with 11-bit characters on an 8E1 line', () => {
    const at9600 = estimatePollMs({ bus: 'b', profile: 'sdm630' }, 9600);
    expect(estimatePollMs({ bus: 'b', profile: 'sdm630' }, 2400)).toBeCloseTo(at9600 * 4, 6);
    expect(estimatePollMs({ bus: 'b', profile: 'sdm630' }, 9600, { parity: 'even' })).toBeCloseTo(at9600 * 1.1, 6);
    expect(bitsPerCharacter({ parity: 'none', stopBits: 2 })).toBe(11);
  });

  it('one value per request costs more line time than coalesced reads', () => {
    const coalesced = estimatePollMs({ bus: 'b', profile: 'sdm630' }, 9600);
    expect(estimatePollMs({ bus: 'b', profile: 'sdm630', singleValueReads: true }, 9600)).toBeGreaterThan(
      coalesced * 3,
    );
  });

  it('uses the fixed 1.75 ms silence above 19200 baud', () => {
    expect(silenceMs(38_400)).toBe(1.75);
    expect(silenceMs(19_200)).toBeCloseTo((3.5 * 10 * 1000) / 19_200, 9);
  });

  it('throws on invalid options', () => {
    expect(() => estimatePollMs({ bus: 'b' }, 9600)).toThrow(/profile/);
  });
});
