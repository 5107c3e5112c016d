import { describe, expect, it } from 'vitest';
import { usePtyPair, waitFor } from '../../tests/harness/index.js';
import { createDriverRuntime } from '../runtime.js';
import type { FaultKind } from '../serial/faults.js';
import { recordingSink } from '../serial/recording-sink.js';
import { driver } from './driver.js';
import type { TeleinfoMode } from './protocol.js';
import { DEFAULT_METER, meterValues, runTeleinfoSimulator } from './simulator.js';

/** End to end over a socat PTY pair at 7E1: the simulated meter writes on one end, the driver reads the other. */
describe('teleinfo driver ⇄ simulated meter over a PTY pair', () => {
  const pty = usePtyPair();
  const kinds: FaultKind[] = ['checksum', 'truncated', 'garbage', 'silence'];

  for (const mode of ['historique', 'standard'] as TeleinfoMode[]) {
    it(`${mode}: every good frame arrives, each bad group and cut frame is counted`, async () => {
      const sink = recordingSink();
      const handle = await driver.open(driver.options.parse({ port: pty().a, mode }), {
        deviceId: 'linky',
        sink,
        runtime: createDriverRuntime(),
        signal: new AbortController().signal,
      });
      try {
        const count = 40;
        const stats = await runTeleinfoSimulator(
          {
            port: pty().b,
            baudRate: mode === 'standard' ? 9600 : 1200,
            intervalMs: 2,
            count,
            faults: { every: 4, kinds, silenceMs: 50 },
          },
          { ...DEFAULT_METER, mode },
          new AbortController().signal,
        );
        // Frames 4, 20, 36 have a bad PAPP/SINSTS checksum; 8, 24, 40 are cut short.
        expect(stats).toEqual({ good: 37, checksum: 3, truncated: 3, garbage: 2, silence: 2 });
        await waitFor(() => sink.readings.length >= stats.good, 'every good frame to be read', 20_000);
        await handle.close();

        const numbers = Array.from({ length: count }, (_, i) => i + 1).filter((n) => n % 16 !== 8);
        expect(sink.readings.map((r) => r.fields.energy_import_wh)).toEqual(numbers.map((n) => meterValues(n).index));
        const spoiled = sink.readings.filter((r) => r.fields.apparent_power_va === undefined);
        expect(spoiled.map((r) => r.fields.energy_import_wh)).toEqual([4, 20, 36].map((n) => meterValues(n).index));
        for (const r of sink.readings) {
          expect(r.measurement).toBe('electricity');
          expect(r.tags).toEqual({ meter: DEFAULT_METER.adco });
          expect(r.identifiers).toEqual(mode === 'standard' ? ['meter', 'prm'] : ['meter']);
          if (mode === 'standard')
            expect(r.fields).toMatchObject({ prm: DEFAULT_METER.prm, voltage_v: expect.any(Number) });
        }
        expect(sink.rejectedBy('checksum')).toBe(stats.checksum);
        expect(sink.rejectedBy('garbage')).toBe(stats.garbage);
        // Two cut frames are found by the next STX, the last one when the port closes.
        expect(sink.rejectedBy('truncated')).toBe(stats.truncated);
        expect(sink.rejections).toHaveLength(stats.checksum + stats.garbage + stats.truncated);
      } finally {
        await handle.close();
      }
    });
  }
});
