import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { computeCarbon } from '../../broker/carbon/compute.js';
import { defaultCarbonConfig } from '../../broker/carbon/config.js';
import { type Ingestor, startIngestor } from '../../broker/ingest/ingestor.js';
import { backfillRollups } from '../../broker/schema/index.js';
import type { DeviceContext, DriverModule } from '../../drivers/driver.js';
import { type Agent, startAgent } from '../../edge/agent/agent.js';
import { testConfig, testConfigYaml } from '../../edge/testing/agent-config.js';
import type { Reading } from '../../wire/reading.js';
import { removeTempDir, startAedes, tempDir, useInflux, waitFor } from '../harness/index.js';

/**
 * docs/data.md promises a `site` tag on every reading: three gateways (two schools and the port) send
 * air-quality and meter readings of January 2026 through a real aedes and the ingestor into InfluxDB;
 * the rollups and the carbon job run; then data.md's own per-site queries and export line are run as
 * written and must answer per site.
 */
const DB = 'tidegate';
const T0 = Date.UTC(2026, 0, 15, 10);
const READINGS = 12;
const STEP_MS = 10 * 60_000;
const run = promisify(execFile);

/** A push driver that sends READINGS past readings, 10 minutes apart: air quality or a meter's index. */
const options = z.strictObject({ kind: z.enum(['air', 'meter']), base: z.number() });
const pastReadings: DriverModule = {
  driver: {
    name: 'past',
    description: 'test: fixed past readings',
    mode: 'push',
    options,
    example: { kind: 'air', base: 10 },
    resources: () => [],
    emits: () => [
      { measurement: 'air_quality', fields: ['pm2_5_ugm3', 'pm10_ugm3'] },
      { measurement: 'electricity', fields: ['energy_import_wh'] },
    ],
    async open(o: z.output<typeof options>, { sink }: DeviceContext) {
      const timer = setTimeout(() => {
        for (let i = 0; i < READINGS; i++) {
          const time = BigInt(T0 + i * STEP_MS) * 1_000_000n;
          const reading: Reading =
            o.kind === 'air'
              ? { measurement: 'air_quality', tags: {}, fields: { pm2_5_ugm3: o.base, pm10_ugm3: 2 * o.base }, time }
              : { measurement: 'electricity', tags: {}, fields: { energy_import_wh: o.base + 100 * i }, time };
          sink.reading(reading);
        }
      }, 10);
      return { close: async () => clearTimeout(timer) };
    },
  } as never,
};
const drivers = new Map([['past', pastReadings]]);

/** The ```sql statements of docs/data.md that name the site tag. */
function perSiteQueries(): string[] {
  const text = readFileSync(new URL('../../docs/data.md', import.meta.url), 'utf8');
  return [...text.matchAll(/```sql\n([\s\S]*?)```/g)]
    .flatMap(([, block]) => block!.split(/\n\s*\n/))
    .map((s) =>
      s
        .split('\n')
        .filter((l) => !l.trim().startsWith('--'))
        .join(' ')
        .trim(),
    )
    .filter((q) => q.includes('"site"'));
}

describe('the site tag, end to end', () => {
  const dir = tempDir('tidegate-site-');
  afterAll(() => removeTempDir(dir));
  const influx = useInflux();

  it("puts every reading under its gateway's site, so data.md's per-site queries answer", async () => {
    const aedes = await startAedes();
    const agents: Agent[] = [];
    let ingestor: Ingestor | undefined;
    try {
      ingestor = await startIngestor({
        mqtt: { url: aedes.url },
        // data.md's queries are dated (winter 2025–26, January 2026): keep raw points that old.
        influx: { url: influx().url, database: DB, retention: { raw: 'INF' } },
        spill: { path: join(dir, 'queue.db') },
        batch: { maxPoints: 100, maxDelayMs: 50 },
      });
      const gateways = [
        { id: 'gw-school-a', site: 'school-a', air: 10 },
        { id: 'gw-school-b', site: 'school-b', air: 20 },
        { id: 'gw-port', site: 'port', air: 30 },
      ];
      for (const gw of gateways) {
        const yaml = testConfigYaml({
          dir: join(dir, gw.id),
          url: aedes.url,
          devices: [
            `{ id: pm-1, driver: past, kind: air, base: ${gw.air} }`,
            '{ id: meter-1, driver: past, kind: meter, base: 1000 }',
          ],
        }).replace('gateway: { id: gw-test, site: test-site }', `gateway: { id: ${gw.id}, site: ${gw.site} }`);
        agents.push(await startAgent(await testConfig(yaml, drivers), { drivers }));
      }
      const points = async () => (await influx().rows('SELECT count("pm2_5_ugm3") AS n FROM "air_quality"', DB))[0]?.n;
      await waitFor(async () => (await points()) === 3 * READINGS, 'every air reading in InfluxDB', 30_000);
      await waitFor(
        async () =>
          (await influx().rows('SELECT count("energy_import_wh") AS n FROM "electricity"', DB))[0]?.n === 3 * READINGS,
        'every meter reading in InfluxDB',
        30_000,
      );

      const untagged = await influx().rows(`SELECT count("pm2_5_ugm3") AS n FROM "air_quality" WHERE "site" = ''`, DB);
      expect(untagged).toEqual([]);
      const range = {
        fromNs: BigInt(Date.UTC(2026, 0, 1)) * 1_000_000n,
        toNs: BigInt(Date.UTC(2026, 1, 1)) * 1_000_000n,
      };
      await backfillRollups({ url: influx().url, database: DB }, range);
      await computeCarbon({ url: influx().url, database: DB }, { ...range, config: defaultCarbonConfig() });

      const queries = perSiteQueries();
      expect(queries.length).toBeGreaterThanOrEqual(2);
      const season = queries.find((q) => q.includes('air_quality'))!;
      const bySite = (await influx().query(season, DB)).results[0]?.series ?? [];
      expect(bySite.map((s) => [s.tags?.site, s.values[0]?.[1]])).toEqual([
        ['port', 30],
        ['school-a', 10],
        ['school-b', 20],
      ]);
      const schools = queries.find((q) => q.includes('carbon') && q.includes('school-a'))!;
      const [energy] = await influx().rows(schools, DB);
      // Each school's meter went from 1000 to 2100 Wh: 1.1 kWh each.
      expect(energy?.kwh).toBeCloseTo(2.2, 6);

      const exportLine = /tidegate (export -m air_quality [^\n>]*--where site=port[^\n>]*)/.exec(
        readFileSync(new URL('../../docs/data.md', import.meta.url), 'utf8'),
      )?.[1];
      expect(exportLine).toBeDefined();
      const args = [
        ...exportLine!.trim().split(/\s+/),
        '--influx-url',
        influx().url,
        '--database',
        DB,
        '--no-progress',
      ];
      const { stdout } = await run(process.execPath, ['bin/tidegate.js', ...args]);
      const [header, ...rows] = stdout.trim().split('\n');
      const site = header!.split(',').indexOf('site');
      expect(rows).toHaveLength(READINGS);
      expect(rows.every((r) => r.split(',')[site] === 'port')).toBe(true);
    } finally {
      for (const agent of agents) await agent.stop();
      await ingestor?.close();
      await aedes.stop();
    }
  });
});
