import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPrivacyStage } from '../../edge/privacy/index.js';
import { tempDir, useInflux } from '../../tests/harness/index.js';
import { encodeLines, type Reading } from '../../wire/index.js';
import { recordingSink } from '../records/recording-sink.js';
import { createDriverRuntime } from '../runtime.js';
import { driver } from './driver.js';
import { filesOptions } from './options.js';

/**
 * A zone's waste reports through the files driver and the edge's privacy stage into a real InfluxDB,
 * beside carbon points of the zone's meters; docs/data.md's analyst query (electricity kgCO2e against
 * tonnes of waste per month) then gives the numbers computed by hand.
 */
const influx = useInflux();

/** The ```sql blocks of docs/data.md's zone query, statements split on blank lines. */
function zoneQueries(): string[] {
  const text = readFileSync(new URL('../../docs/data.md', import.meta.url), 'utf8');
  const from = text.indexOf('**Electricity emissions against waste of an industrial zone');
  const blocks = [...text.slice(from).matchAll(/```sql\n([\s\S]*?)```/g)].slice(0, 2);
  return blocks.flatMap(([, b]) => b!.split(/\n\s*\n/).map((s) => s.replace(/\n\s*/g, ' ').trim()));
}

const OCTOBER = ['mois;siret;entreprise;flux;code_dechet;tonnes', '2026-10;41000000000000;A;carton;15 01 01;12,5'];
OCTOBER.push('2026-10;41000000007919;B;bois;15 01 03;3,25', '2026-10;41000000007919;B;carton;15 01 01;0,25');

describe('analyst query: electricity kgCO2e against tonnes of waste for a zone', () => {
  it('gives the month totals of both, with the companies only as pseudonyms', async () => {
    const dir = tempDir('tidegate-zone-');
    const drop = join(dir, 'drop');
    mkdirSync(drop);
    writeFileSync(join(drop, 'waste-2026-10.csv'), `${OCTOBER.join('\n')}\n`);
    writeFileSync(
      join(drop, 'waste-2026-09.csv'),
      `${OCTOBER.slice(0, 2).join('\n').replace('2026-10;', '2026-09;')}\n`,
    );
    const options = filesOptions.parse({
      folder: drop,
      minAgeS: 0,
      csv: { delimiter: ';', decimalComma: true },
      mapping: {
        measurement: 'material_flow',
        tags: { partner: 'siret', stream: 'flux', direction: { value: 'out' } },
        fields: { mass_kg: { from: 'tonnes', unit: 't' } },
        time: { from: 'mois', format: 'yyyy-MM', timeZone: 'Europe/Paris' },
        pseudonymise: ['partner'],
      },
    });
    const recorder = recordingSink();
    const handle = await driver.open(options, {
      deviceId: 'waste',
      sink: recorder.sink,
      runtime: createDriverRuntime(),
      signal: new AbortController().signal,
    });
    await handle.poll!();
    await handle.poll!();
    await handle.close();
    const stage = createPrivacyStage({ keyFile: join(dir, 'pseudonym.key'), stateDir: dir });
    const released: Reading[] = recorder.readings.flatMap((r) => stage.process('waste', r));
    stage.close();
    // As the ingestor writes them: gateway and device from the topic.
    const tag = (r: Reading, gateway: string, device: string) => ({ ...r, tags: { ...r.tags, gateway, device } });
    const lines = encodeLines(released.map((r) => tag(r, 'gw-zi-perigny', 'waste-reports')));

    const db = 'zone';
    await influx().createDatabase(db);
    await influx().query(`CREATE RETENTION POLICY "hourly" ON "${db}" DURATION INF REPLICATION 1`);
    expect((await influx().write(db, lines)).status).toBe(204);
    // Carbon of the zone's meters (hourly points, as the carbon job writes them), and of another zone.
    const hour = (iso: string) => BigInt(Date.parse(iso)) * 1_000_000n;
    const carbon = [
      `carbon,sector=electricity,gateway=gw-zi-perigny-1,device=m1 co2e_kg=10.5,energy_wh=200000 ${hour('2026-10-01T08:00:00Z')}`,
      `carbon,sector=electricity,gateway=gw-zi-perigny-2,device=m2 co2e_kg=4.5,energy_wh=100000 ${hour('2026-10-31T20:00:00Z')}`,
      `carbon,sector=electricity,gateway=gw-zi-perigny-1,device=m1 co2e_kg=99,energy_wh=1 ${hour('2026-11-01T08:00:00Z')}`,
      `carbon,sector=electricity,gateway=gw-port-01,device=m9 co2e_kg=99,energy_wh=1 ${hour('2026-10-02T08:00:00Z')}`,
    ].join('\n');
    const url = `${influx().url}/write?db=${db}&rp=hourly`;
    expect((await fetch(url, { method: 'POST', body: carbon })).status).toBe(204);

    const [electricity, waste, perMonth] = zoneQueries();
    expect(await influx().rows(electricity!, db)).toEqual([
      expect.objectContaining({ electricity_kgco2e: 15, electricity_kwh: 300 }),
    ]);
    expect(await influx().rows(waste!, db)).toEqual([expect.objectContaining({ waste_t: 16 })]);
    const months = (await influx().query(perMonth!.replace('now() - 90d', "'2026-08-01T00:00:00Z'"), db)).results[0]!;
    const byStream = Object.fromEntries(
      (months.series ?? []).map((s) => [s.tags?.stream, s.values!.map((v) => [v[0], v[1]])]),
    );
    expect(byStream).toEqual({
      bois: [[String(hour('2026-10-01T00:00:00+02:00')), 3.25]],
      carton: [
        [String(hour('2026-09-01T00:00:00+02:00')), 12.5],
        [String(hour('2026-10-01T00:00:00+02:00')), 12.75],
      ],
    });
    const sites = await influx().query('SHOW TAG VALUES FROM "material_flow" WITH KEY = "partner"', db);
    const values = sites.results[0]!.series![0]!.values!.map((v) => String(v[1]));
    expect(values).toHaveLength(2);
    for (const v of values) expect(v).toMatch(/^[0-9a-f]{16}$/);
  });
});
