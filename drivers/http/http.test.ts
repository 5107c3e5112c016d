import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../tests/harness/index.js';
import type { DeviceContext, DeviceHandle } from '../driver.js';
import { recordingSink } from '../records/recording-sink.js';
import { createDriverRuntime } from '../runtime.js';
import { driver } from './driver.js';
import { httpOptions } from './options.js';
import { expandUrl } from './pages.js';
import { type PartnerServer, type PartnerServerOptions, startPartnerServer } from './simulator.js';

// Real HTTP on 127.0.0.1: the partner simulator (drivers/http/simulator.ts) as the server.

const occupancyMapping = {
  measurement: 'occupancy',
  tags: { area: 'area', partner: { value: 'booking-platform' } },
  fields: {
    nights: 'stats.nights',
    beds_occupied: 'stats.beds_occupied',
  },
  time: { from: 'date', format: 'yyyy-MM-dd', timeZone: 'Europe/Paris' },
};

const open: { handle: DeviceHandle; controller: AbortController }[] = [];
let server: PartnerServer | undefined;

afterEach(async () => {
  for (const { handle, controller } of open.splice(0)) {
    controller.abort();
    await handle.close();
  }
  await server?.close();
  server = undefined;
});

async function start(serverOptions: PartnerServerOptions, deviceOptions: Record<string, unknown>) {
  server = await startPartnerServer({ from: '2026-08-01', ...serverOptions });
  const options = httpOptions.parse({
    format: 'json',
    json: { records: '$.data[*]' },
    mapping: occupancyMapping,
    ...deviceOptions,
    url: `${server.url}${deviceOptions.url}`,
  });
  const recorder = recordingSink();
  const controller = new AbortController();
  const context: DeviceContext = {
    deviceId: 'partner',
    sink: recorder.sink,
    runtime: createDriverRuntime(),
    signal: controller.signal,
  };
  const handle = await driver.open(options, context);
  open.push({ handle, controller });
  return { recorder, handle, server, poll: () => handle.poll!() };
}

describe('http driver against a local HTTP server', () => {
  it('reads every page by offset, then sends If-None-Match and reads nothing unchanged', async () => {
    const { recorder, poll, server } = await start(
      { days: 10 },
      { url: '/occupancy', paging: { offsetParam: 'offset', limitParam: 'limit', pageSize: 12 } },
    );
    expect(await poll()).toHaveLength(30);
    expect(server.requests.map((r) => r.path)).toEqual([
      '/occupancy?offset=0&limit=12',
      '/occupancy?offset=12&limit=12',
      '/occupancy?offset=24&limit=12',
    ]);
    expect(recorder.lines()[0]).toBe(
      'occupancy,area=chatelaillon,partner=booking-platform nights=1035,beds_occupied=665 1785535200000000000',
    );
    const first = recorder.lines();
    recorder.clear();
    expect(await poll()).toHaveLength(0);
    expect(server.requests.slice(3).every((r) => typeof r.headers['if-none-match'] === 'string')).toBe(true);
    // Two more days: pages 1 and 2 still answer 304; page 3 is now full (6 known + 6 new), page 4 is empty.
    server.setDays(12);
    expect(await poll()).toHaveLength(12);
    expect(server.requests.slice(-4).map((r) => r.path)).toEqual([
      '/occupancy?offset=0&limit=12',
      '/occupancy?offset=12&limit=12',
      '/occupancy?offset=24&limit=12',
      '/occupancy?offset=36&limit=12',
    ]);
    expect(recorder.rejected).toEqual([]);
    // A fresh device (a gateway restart) reads the same data as the same points.
    const again = await start(
      { days: 10 },
      { url: '/occupancy', paging: { offsetParam: 'offset', limitParam: 'limit', pageSize: 12 } },
    );
    await again.poll();
    expect(again.recorder.lines()).toEqual(first);
  });

  it('follows a next link in the body, bounded by maxPages', async () => {
    const { recorder, poll, server } = await start(
      { days: 10 },
      { url: '/occupancy?limit=6', paging: { nextLink: '$.links.next' }, maxPages: 3 },
    );
    expect(await poll()).toHaveLength(18);
    expect(server.requests.map((r) => r.path)).toEqual([
      '/occupancy?limit=6',
      '/occupancy?offset=6&limit=6',
      '/occupancy?offset=12&limit=6',
    ]);
    expect(recorder.rejected).toEqual([{ reason: 'paging', detail: 'stopped after maxPages (3): more pages remain' }]);
  });

  it('a record that does not map is a counted rejection with its page and record; the rest goes through', async () => {
    const { recorder, poll } = await start(
      { days: 4, badEvery: 5 },
      { url: '/occupancy', paging: { offsetParam: 'offset', limitParam: 'limit', pageSize: 6 } },
    );
    expect(await poll()).toHaveLength(10);
    expect(recorder.rejected).toEqual([
      { reason: 'bad_number', detail: 'page 1 record 5: field nights: "n/a" is not a number' },
      { reason: 'bad_number', detail: 'page 2 record 4: field nights: "n/a" is not a number' },
    ]);
  });

  it('a 500 fails the poll and marks the device down; the next poll reads and brings it up', async () => {
    const { recorder, poll, server } = await start({ days: 2 }, { url: '/occupancy' });
    server.failNext(1);
    await expect(poll()).rejects.toThrow(/^HTTP 500 Internal Server Error from http:\/\/127\.0\.0\.1:\d+\/occupancy$/);
    expect(recorder.states).toEqual([{ state: 'down', reason: expect.stringContaining('HTTP 500') }]);
    expect(await poll()).toHaveLength(6);
    expect(recorder.states.at(-1)).toEqual({ state: 'up', reason: undefined });
  });

  it('a response slower than timeoutS fails the poll instead of hanging it', async () => {
    const { poll, server } = await start({ days: 2 }, { url: '/occupancy', timeoutS: 0.2 });
    server.delay(5000);
    await expect(poll()).rejects.toThrow(/no complete answer from http:\/\/127\.0\.0\.1:\d+\/occupancy within 200 ms/);
  });

  it('sends the token from tokenFile; never shows it; refuses credentials in headers', async () => {
    const dir = tempDir('tidegate-http-');
    const tokenFile = join(dir, 'partner.token');
    writeFileSync(tokenFile, 's3cret-token\n', { mode: 0o600 });
    const { poll, server } = await start({ days: 1, token: 's3cret-token' }, { url: '/occupancy', tokenFile });
    expect(await poll()).toHaveLength(3);
    expect(server.requests[0]!.headers.authorization).toBe('Bearer s3cret-token');

    const inQuery = await start({ days: 1 }, { url: '/occupancy', tokenFile, tokenQuery: 'apikey' });
    inQuery.server.failNext(1);
    const error = await inQuery.poll().catch((e: Error) => e);
    expect(inQuery.server.requests[0]!.path).toBe('/occupancy?apikey=s3cret-token');
    expect(String(error)).not.toContain('s3cret');
    expect(String(error)).toContain('/occupancy?…');

    const refused = httpOptions.safeParse({
      url: 'http://127.0.0.1/x',
      format: 'json',
      mapping: occupancyMapping,
      headers: { Authorization: 'Bearer abc' },
    });
    expect(refused.error?.issues[0]?.message).toMatch(/carries a credential: put it in tokenFile/);
    const missing = httpOptions.safeParse({
      url: 'http://127.0.0.1/x',
      format: 'json',
      mapping: occupancyMapping,
      tokenFile: join(dir, 'nope'),
    });
    expect(missing.error?.issues[0]?.message).toBe(`cannot read token file ${join(dir, 'nope')}: ENOENT`);
  });

  it('reads an open-data CSV in the LCSQA E2 layout, with Last-Modified', async () => {
    const { recorder, poll, server } = await start(
      {},
      {
        url: '/air-quality.csv',
        format: 'csv',
        csv: { delimiter: ';' },
        mapping: {
          measurement: 'air_quality',
          tags: { station: 'code site', sensor: { value: 'lcsqa-e2' } },
          fields: {
            no2_ugm3: { from: 'valeur', when: { Polluant: 'NO2' } },
            o3_ugm3: { from: 'valeur', when: { Polluant: 'O3' } },
            pm10_ugm3: { from: 'valeur', when: { Polluant: 'PM10' } },
            pm2_5_ugm3: { from: 'valeur', when: { Polluant: 'PM2.5' } },
          },
          time: { from: 'Date de début', format: 'yyyy/MM/dd HH:mm:ss', timeZone: 'UTC' },
          where: { validité: '1' },
        },
      },
    );
    expect(await poll()).toHaveLength(23); // 3 hours × 2 stations × 4 pollutants, one row invalid
    expect(recorder.rejected).toEqual([]);
    expect(recorder.lines()[0]).toBe('air_quality,sensor=lcsqa-e2,station=FR99901 no2_ugm3=15 1795996800000000000');
    expect(await poll()).toHaveLength(0);
    expect(server.requests[1]!.headers['if-modified-since']).toBe('Mon, 30 Nov 2026 12:00:00 GMT');
  });
});

describe('url templates', () => {
  it('puts the day (in the mapping time zone) into a daily file URL', () => {
    const at = Date.UTC(2026, 10, 30, 23, 30); // 00:30 on 1 December in Paris
    expect(expandUrl('https://x/FR_E2_{today:yyyy-MM-dd}.csv', 'Europe/Paris', at)).toBe(
      'https://x/FR_E2_2026-12-01.csv',
    );
    expect(expandUrl('https://x/{yesterday:yyyy}/FR_E2_{yesterday:yyyy-MM-dd}.csv', 'UTC', at)).toBe(
      'https://x/2026/FR_E2_2026-11-29.csv',
    );
  });
});
