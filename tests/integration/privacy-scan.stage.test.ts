import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { createPrivacyStage, pseudonym } from '../../edge/privacy/index.js';
import { linkyReadings, ns } from '../../edge/privacy/test-support.js';
import { encodeLines, type Reading, Topics } from '../../wire/index.js';
import { tempDir, useAedes, waitFor } from '../harness/index.js';
import { LeakScanner } from './privacy-leak-scanner.js';

/**
 * The privacy stage and the wire encoder publishing into a real aedes, as the agent does: every byte
 * the broker handles is scanned for the meter's identifiers. (The same scan with the real agent,
 * teleinfo driver and simulator is privacy-scan.gateway.test.ts.)
 */
const aedes = useAedes();
const ADCO = '031664001115';
const ADSC = '041876097342';
const PRM = '09876543210987';

function standardMode(r: Reading): Reading {
  return { ...r, tags: { meter: ADSC }, fields: { ...r.fields, prm: PRM }, identifiers: ['meter', 'prm'] };
}

describe('identifiers on the wire (privacy stage into aedes)', () => {
  it('never carries ADCO, ADSC or PRM, as written or in hex, at any consent level', async () => {
    const scanner = new LeakScanner(aedes());
    const dir = tempDir('tidegate-scan-');
    const key = join(dir, 'pseudonym.key');
    const client = await mqtt.connectAsync(aedes().url, { protocolVersion: 4, clientId: 'gw-home-1' });
    const topics = new Topics();
    const from = ns('2026-06-01T22:00:00Z');
    let published = 0;
    try {
      for (const consent of ['raw', 'half-hourly', 'daily'] as const) {
        const stage = createPrivacyStage({
          keyFile: key,
          stateDir: join(dir, consent),
          devices: [
            { id: 'linky-h', consent },
            { id: 'linky-s', consent },
          ],
          location: { lat: 46.1547, lon: -1.1532 },
        });
        const out: Reading[] = [];
        for (const r of linkyReadings({ adco: ADCO }, from, from + 86_400_000_000_000n, 120)) {
          out.push(...stage.process('linky-h', r), ...stage.process('linky-s', standardMode(r)));
          out.push(...stage.tick(r.time));
        }
        out.push(...stage.tick(from + 86_400_000_000_000n));
        stage.close();
        for (const r of out) {
          await client.publishAsync(topics.data('gw-home-1', String(r.tags.device ?? 'linky-h')), encodeLines([r]), {
            qos: 1,
          });
          published++;
        }
      }
    } finally {
      await client.endAsync();
    }
    await waitFor(() => scanner.published >= published, 'every message at the broker');
    expect(published).toBeGreaterThan(1440);
    for (const secret of [ADCO, ADSC, PRM]) expect(scanner.find(secret)).toEqual([]);
    // The pseudonyms are there instead: the scan looked at the right bytes.
    const k = readFileSync(key);
    expect(scanner.find(pseudonym(k, ADCO)).length).toBeGreaterThan(0);
    expect(scanner.find(pseudonym(k, PRM)).length).toBeGreaterThan(0);

    // Control: a leak in upper-case hex is found.
    const leaker = await mqtt.connectAsync(aedes().url, { protocolVersion: 4 });
    await leaker.publishAsync('control/leak', Buffer.from(ADCO).toString('hex').toUpperCase(), { qos: 1 });
    await leaker.endAsync();
    expect(scanner.find(ADCO)).toContain(`${ADCO} hex upper`);
  });
});
