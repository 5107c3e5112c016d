import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../edge/config/load.js';
import { tempDir } from '../../tests/harness/index.js';
import { wasteCsv } from '../files/simulator.js';
import { type PartnerServer, startPartnerServer } from '../http/simulator.js';

// `tidegate check` and `tidegate probe` (the real CLI) on the two partner drivers, and the example configs.

const CLI = new URL('../../bin/tidegate.js', import.meta.url).pathname;

function tidegate(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('node', [CLI, ...args], { timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const dir = tempDir('tidegate-partner-');
const drop = join(dir, 'drop');
let server: PartnerServer;
let config: string;

beforeAll(async () => {
  server = await startPartnerServer({ from: '2026-08-01', days: 3, token: 'partner-token-1' });
  writeFileSync(join(dir, 'api.token'), 'partner-token-1\n', { mode: 0o600 });
  mkdirSync(drop);
  writeFileSync(join(drop, 'waste-2026-10.csv'), wasteCsv('2026-10', 2));
  config = join(dir, 'gateway.yaml');
  writeFileSync(
    config,
    `gateway: { id: gw-partners }
mqtt: { url: mqtt://127.0.0.1:1 }
buffer: { path: ${join(dir, 'buffer.db')} }
devices:
  - id: occupancy
    driver: http
    every: 1h
    url: ${server.url}/occupancy?limit=4
    tokenFile: ${join(dir, 'api.token')}
    format: json
    json: { records: '$.data[*]' }
    paging: { nextLink: $.links.next }
    mapping:
      measurement: occupancy
      tags: { area: area }
      fields: { nights: stats.nights }
      time: { from: date, format: yyyy-MM-dd, timeZone: Europe/Paris }
  - id: waste
    driver: files
    every: 1m
    folder: ${drop}
    csv: { delimiter: ';', decimalComma: true }
    mapping:
      measurement: material_flow
      tags: { partner: siret, stream: flux, direction: { value: out } }
      fields: { mass_kg: { from: tonnes, unit: t } }
      time: { from: mois, format: yyyy-MM, timeZone: Europe/Paris }
      pseudonymise: [partner]
`,
  );
});
afterAll(() => server?.close());

describe('check and probe on partner sources', () => {
  it('check accepts both drivers, and names file, line and key of a mapping mistake', async () => {
    expect(await tidegate('check', config)).toMatchObject({ code: 0, stdout: expect.stringContaining('2 devices') });
    const bad = join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      readFileSync(config, 'utf8').replace('unit: t }', 'unit: kWh }').replace('format: json', 'format: xml'),
    );
    const { code, stderr } = await tidegate('check', bad);
    expect(code).toBe(1);
    expect(stderr).toContain(`${bad}:10:5: devices[0].format: "xml" is not one of: csv, json`);
    expect(stderr).toMatch(
      new RegExp(`${bad}:\\d+:\\d+: devices\\[1\\]\\.mapping\\.fields\\.mass_kg\\.unit: unit "kWh" measures energy`),
    );
  });

  it('probe reads every page of the API once', async () => {
    const { code, stdout } = await tidegate('probe', '--config', config, '--device', 'occupancy');
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(9);
    expect(lines[0]).toMatch(/^occupancy,area=la-rochelle nights=\d+ 1785535200000000000$/);
  });

  it('probe reads the drop folder without moving anything, and never prints a pseudonymised tag', async () => {
    const { code, stdout } = await tidegate('probe', '--config', config, '--device', 'waste');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^material_flow,direction=out,stream=\S+ mass_kg=\d+(\.\d+)? \d+$/m);
    expect(stdout).not.toContain('partner=');
    expect(readdirSync(drop)).toEqual(['waste-2026-10.csv']);
  });

  it('the example configs are valid but for the secret files that live on a gateway', async () => {
    for (const name of ['partner-waste-drop.yaml', 'partner-occupancy-api.yaml', 'partner-air-quality-opendata.yaml']) {
      const result = await loadConfig(new URL(`../../config/${name}`, import.meta.url).pathname);
      const keys = result.ok ? [] : result.problems.map((p) => p.key);
      expect(
        keys.filter((k) => k !== 'mqtt.passwordFile' && !k.endsWith('.tokenFile')),
        name,
      ).toEqual([]);
    }
  });
});
