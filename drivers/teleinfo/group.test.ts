import { describe, expect, it } from 'vitest';
import { parseGroup } from './group.js';
import { encodeGroup, SEPARATOR } from './protocol.js';

/** Rejection details travel to logs and to the broker: they name a group, never its data. */
describe('rejected groups', () => {
  const adco = '031664001115';

  it('never carry the data of the group in their detail', () => {
    for (const mode of ['historique', 'standard'] as const) {
      const group = encodeGroup(mode, mode === 'historique' ? 'ADCO' : 'ADSC', adco).slice(1, -1); // without LF and CR
      const badChecksum = Uint8Array.from(group);
      badChecksum[badChecksum.length - 1] = (badChecksum[badChecksum.length - 1]! + 1) & 0x7f;
      const noSeparator = Uint8Array.from(group);
      noSeparator[noSeparator.length - 2] = 0x41;
      const controlByte = Uint8Array.from(group);
      controlByte[6] = 0x01;
      const labelLost = Buffer.from(`${adco}${String.fromCharCode(SEPARATOR[mode])}X`);
      for (const content of [badChecksum, noSeparator, controlByte, labelLost]) {
        const result = parseGroup(mode, content);
        expect('reason' in result, mode).toBe(true);
        if ('detail' in result) {
          expect(result.detail).not.toContain(adco);
          expect(result.detail).not.toContain(adco.slice(0, 6));
        }
      }
    }
  });
});
