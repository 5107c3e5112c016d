import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pseudonym } from '../../edge/privacy/index.js';
import { decodeLines, type Reading, Topics } from '../../wire/index.js';
import { type Service, spawnService, startAedes, startPtyPair, tempDir, waitFor } from '../harness/index.js';
import { LeakScanner } from './privacy-leak-scanner.js';

/**
 * The whole gateway as deployed: `tidegate simulate teleinfo` writes a Linky's frames (historique on
 * one PTY, standard on another, with checksum, truncation and garbage faults) to `tidegate edge`,
 * which publishes to a real aedes. Every byte the broker handles, and everything the gateway
 * prints, is scanned for the meters' ADCO/ADSC and PRM.
 */
const ADCO = '031664001115';
const ADSC = '041876097342';
const PRM = '30001234567890';
const LOCATION = { lat: 46.154712, lon: -1.153201 };
const node = (args: string[]): Service => spawnService(process.execPath, ['bin/tidegate.js', ...args]);

describe('identifiers never leave a self-data gateway', () => {
  it('scans every published byte: no ADCO, ADSC or PRM as written or in hex, in either teleinfo mode', async () => {
    const dir = tempDir('tidegate-scan-gw-');
    const aedes = await startAedes();
    const scanner = new LeakScanner(aedes);
    const data = new Map<string, Reading[]>();
    const statuses: Record<string, unknown>[] = [];
    const events: Record<string, unknown>[] = [];
    const topics = new Topics();
    aedes.broker.on('publish', (packet) => {
      const parsed = topics.parse(packet.topic);
      if (parsed?.kind === 'data' && parsed.device) {
        const list = data.get(parsed.device) ?? [];
        list.push(...decodeLines(packet.payload.toString()).readings);
        data.set(parsed.device, list);
      } else if (parsed?.kind === 'status') statuses.push(JSON.parse(packet.payload.toString()));
      else if (parsed?.kind === 'events') events.push(JSON.parse(packet.payload.toString()));
    });
    const historique = await startPtyPair();
    const standard = await startPtyPair();
    const services: Service[] = [];
    try {
      const faults = ['--interval', '50', '--fault-every', '5', '--faults', 'checksum,truncated,garbage'];
      services.push(
        node([
          'simulate',
          'teleinfo',
          '--port',
          historique.a,
          '--mode',
          'historique',
          '--adco',
          ADCO,
          '--tariff',
          'hc',
          ...faults,
        ]),
        node([
          'simulate',
          'teleinfo',
          '--port',
          standard.a,
          '--mode',
          'standard',
          '--adco',
          ADSC,
          '--prm',
          PRM,
          ...faults,
        ]),
      );
      const config = join(dir, 'gateway.yaml');
      writeFileSync(
        config,
        `gateway: { id: gw-home-1, site: home, selfData: true, location: { lat: ${LOCATION.lat}, lon: ${LOCATION.lon} } }
mqtt: { url: ${aedes.url}, reconnectMin: 100ms, reconnectMax: 400ms, statusEvery: 1s }
buffer: { path: ${join(dir, 'buffer.db')}, flushEvery: 100ms }
privacy: { keyFile: ${join(dir, 'pseudonym.key')} }
clock: { check: year }
health: { listen: '127.0.0.1:0', logLevel: debug }
devices:
  - { id: linky-h, driver: teleinfo, port: ${historique.b}, mode: historique, consent: raw }
  - { id: linky-s, driver: teleinfo, port: ${standard.b}, mode: standard, consent: raw }
`,
      );
      const gateway = node(['edge', '--config', config]);
      services.push(gateway);
      await waitFor(
        () => (data.get('linky-h')?.length ?? 0) >= 40 && (data.get('linky-s')?.length ?? 0) >= 40,
        'readings of both meters at the broker',
        60_000,
      );
      // Rejected frames are reported once a minute, with their reasons: wait for both meters' reports.
      const rejectedOf = (device: string) => events.some((e) => JSON.stringify(e).includes(`"${device}"`));
      await waitFor(() => rejectedOf('linky-h') && rejectedOf('linky-s'), 'frame_rejected events', 150_000, 500);
      await gateway.stop();
      await waitFor(() => statuses.at(-1)?.state === 'offline', 'the offline status');

      // The meters' readings arrived, under the pseudonyms of the key the gateway created (0600).
      const key = readFileSync(join(dir, 'pseudonym.key'));
      expect(key.length).toBe(32);
      expect(new Set(data.get('linky-h')!.map((r) => r.tags.meter))).toEqual(new Set([pseudonym(key, ADCO)]));
      expect(new Set(data.get('linky-s')!.map((r) => r.tags.meter))).toEqual(new Set([pseudonym(key, ADSC)]));
      expect(new Set(data.get('linky-s')!.map((r) => r.fields.prm))).toEqual(new Set([pseudonym(key, PRM)]));
      expect(data.get('linky-h')!.every((r) => r.tags.cell === 'CRS3035RES200mN2624600E3462000')).toBe(true);

      // Not one byte of the identifiers, in any plain encoding, anywhere on the broker or in the gateway's output.
      expect(scanner.bytes).toBeGreaterThan(10_000);
      for (const secret of [ADCO, ADSC, PRM]) {
        expect(scanner.find(secret)).toEqual([]);
        expect(gateway.output()).not.toContain(secret);
      }
      // The location is published only as its grid cell's centre.
      const published = JSON.stringify(statuses);
      expect(published).not.toContain(String(LOCATION.lat));
      expect(published).not.toContain(String(LOCATION.lon));
    } finally {
      for (const service of services) await service.stop();
      await historique.dispose();
      await standard.dispose();
      await aedes.stop();
    }
  }, 200_000);
});
