import { readFileSync } from 'node:fs';
import mqtt, { type MqttClient } from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeLines, encodeLine, type Reading, Topics } from '../../wire/index.js';
import { type Service, startInflux, type TestInflux, waitFor } from '../harness/index.js';
import { type DashboardBroker, startDashboardBroker } from './support/broker.js';
import { launchChromium } from './support/chromium.js';
import { screenshot, signIn } from './support/dashboard-page.js';
import { spawnSimulatedGateway } from './support/gateways.js';

const topics = new Topics();
const GW = 'gw-hist-01';

/** A driver's test vector (line protocol decoded from the manufacturer's frames), its readings. */
function vector(path: string): Reading[] {
  return decodeLines(readFileSync(new URL(`../../drivers/${path}`, import.meta.url), 'utf8')).readings;
}

/** Two hours of readings, one every 2 minutes, ending 4 minutes ago with the vector's own values. */
function pastReadings(base: Reading[], vary: string): string {
  const lines: string[] = [];
  const end = Date.now() - 4 * 60_000;
  for (let i = 59; i >= 0; i--) {
    const time = BigInt(end - i * 120_000) * 1_000_000n;
    for (const r of base) {
      const fields = { ...r.fields };
      const v = fields[vary];
      if (i > 0 && typeof v === 'number') fields[vary] = Math.round(v * (1 + 0.2 * Math.sin(i / 6)) * 100) / 100;
      // A meter number leaves a gateway only as a pseudonym (docs/privacy.md).
      const tags = r.tags.meter ? { ...r.tags, meter: 'p-3f9a0c' } : r.tags;
      lines.push(encodeLine({ ...r, tags, fields, time }));
    }
  }
  return lines.join('\n');
}

describe('the dashboard opened after a night of trouble: kept events and history (real InfluxDB, broker, Chromium)', () => {
  let influx: TestInflux;
  let broker: DashboardBroker;
  let browser: Browser;
  let page: Page;
  let publisher: MqttClient;
  let sim: Service | undefined;
  let openedAt = 0;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    influx = await startInflux();
    broker = await startDashboardBroker({ gateways: [GW], influxUrl: influx.url });
    publisher = await mqtt.connectAsync(broker.mqttUrl, { ...broker.admin, protocolVersion: 4 });

    // The night: a gateway with an SDM630, a Linky and a two-lane traffic counter...
    sim = await spawnSimulatedGateway({
      mqttUrl: broker.mqttUrl,
      gateway: GW,
      devices: ['pm-1'],
      intervalMs: 1000,
      username: GW,
      password: broker.gateways[GW],
    });
    const sdm630 = vector('modbus/testdata/cases/sdm630/expected.lp');
    const linky = vector('teleinfo/testdata/historique-base.lp');
    const lanes = vector('modbus/testdata/cases/traffic-lanes/expected.lp');
    await publisher.publishAsync(topics.data(GW, 'meter-1'), pastReadings(sdm630, 'active_power_w'), { qos: 1 });
    await publisher.publishAsync(topics.data(GW, 'linky'), pastReadings(linky, 'apparent_power_va'), { qos: 1 });
    await publisher.publishAsync(topics.data(GW, 'road-1'), pastReadings(lanes, 'flow_veh_h'), { qos: 1 });
    // ...whose meter stopped answering, then the whole gateway lost power.
    const down = { type: 'device_down', gateway: GW, device: 'meter-1', time: new Date().toISOString() };
    await publisher.publishAsync(topics.events(GW), JSON.stringify({ ...down, reason: 'no answer from unit 1' }), {
      qos: 1,
    });
    sim.child.kill('SIGKILL');
    // Another gateway whose device is up again after an error.
    const status = {
      state: 'online',
      gateway: 'gw-hist-02',
      time: new Date().toISOString(),
      devices: {
        'pm-7': {
          state: 'up',
          driver: 'sds011',
          lastReadingAt: null,
          readings: 9,
          rejected: 0,
          lastError: 'no frame for 90 s',
        },
      },
    };
    await publisher.publishAsync(topics.status('gw-hist-02'), JSON.stringify(status), { qos: 1, retain: true });
    await waitFor(
      async () => (await influx.rows('SELECT count(*) FROM "raw"."electricity"', 'tidegate')).length > 0,
      'the readings in InfluxDB',
      60_000,
    );
    const events = broker.broker.config.events;
    expect(events.path).toBeTruthy();
    await waitFor(
      async () =>
        (await apiGet('api/events?kind=gateway_offline', broker.operator)).status === 200 &&
        ((await (await apiGet('api/events?kind=gateway_offline', broker.operator)).json()) as { events: unknown[] })
          .events.length > 0,
      'the gateway_offline event',
      30_000,
    );
    // The broker restarts in the morning: what it kept must still be there.
    await publisher.endAsync();
    await broker.restart();
    publisher = await mqtt.connectAsync(broker.mqttUrl, { ...broker.admin, protocolVersion: 4 });
    await publisher.publishAsync(topics.status('gw-hist-02'), JSON.stringify(status), { qos: 1, retain: true });

    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && pageErrors.push(m.text()));
    openedAt = Date.now();
  }, 180_000);

  afterAll(async () => {
    await sim?.stop('SIGKILL');
    await publisher?.endAsync();
    await browser?.close();
    await broker?.stop();
    await influx?.stop();
  });

  function apiGet(path: string, who?: { username: string; password: string }) {
    const headers: Record<string, string> = {};
    if (who) headers.authorization = `Basic ${Buffer.from(`${who.username}:${who.password}`).toString('base64')}`;
    return fetch(`${broker.httpUrl}${path}`, { headers });
  }

  it('serves history and events to operators only', async () => {
    const anonymous = await apiGet(`api/history?gateway=${GW}`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic/);
    const gateway = await apiGet(`api/history?gateway=${GW}`, { username: GW, password: broker.gateways[GW]! });
    expect(gateway.status).toBe(403);
    const events = await apiGet('api/events', { username: GW, password: broker.gateways[GW]! });
    expect(events.status).toBe(403);
    const wrong = await apiGet('api/events', { username: broker.operator.username, password: 'wrong-password' });
    expect(wrong.status).toBe(401);
    const bad = await apiGet('api/history?gateway=../x', broker.operator);
    expect(bad.status).toBe(400);
    const ok = await apiGet(`api/history?gateway=${GW}&range=24h`, broker.operator);
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { series: { device: string }[]; source: string };
    expect(body.source).toBe('raw');
    expect(body.series.map((s) => s.device)).toEqual(expect.arrayContaining(['meter-1', 'linky', 'road-1']));
  });

  it('shows the events of the night, kept across the broker restart, and filters them', async () => {
    await signIn(page, broker.httpUrl, broker.operator.username, broker.operator.password);
    await page.click('#nav-events');
    await page.waitForSelector('#events-view tr[data-type="device_down"]', { timeout: 30_000 });
    const offline = page.locator('#events-view tr[data-type="gateway_offline"]');
    await offline.first().waitFor({ timeout: 30_000 });
    expect(await offline.first().textContent()).toContain('connection lost (last will)');
    expect(await offline.first().textContent()).toMatch(/after \d+ s online/);
    expect(await page.textContent('#events-view tr[data-type="device_down"]')).toContain('no answer from unit 1');
    await page.selectOption('#event-filter', 'gateway_offline');
    await waitFor(
      async () => (await page.locator('#events-view tbody tr').count()) === (await offline.count()),
      'only gateway_offline rows',
      10_000,
    );
    await page.selectOption('#event-filter', '');
    await page.fill('#event-device', 'meter-1');
    await page.press('#event-device', 'Enter');
    await waitFor(
      async () => (await page.locator('#events-view tbody tr[data-type="gateway_offline"]').count()) === 0,
      'the device filter',
      10_000,
    );
    expect(await page.locator('#events-view tbody tr[data-type="device_down"]').count()).toBe(1);
    await page.fill('#event-device', '');
    await page.press('#event-device', 'Enter');
    await page.selectOption('#event-gateway', 'gw-hist-02');
    await waitFor(
      async () =>
        (await page.locator('#events-view tbody tr').count()) > 0 &&
        (await page.$$eval('#events-view tbody tr td[data-label="Gateway"]', (cells) =>
          cells.every((c) => c.textContent === 'gw-hist-02'),
        )),
      'the gateway filter',
      10_000,
    );
    await page.selectOption('#event-gateway', '');
    await screenshot(page, 'history-events');
  });

  it('opens a gateway with its last hours already drawn and its cards filled, in human units', async () => {
    await page.goto(`${broker.httpUrl}#/gateway/${GW}`);
    if (await page.locator('#login-user').count())
      await signIn(page, broker.httpUrl, broker.operator.username, broker.operator.password);
    await page.evaluate((gw) => {
      location.hash = `#/gateway/${gw}`;
    }, GW);
    await page.waitForSelector('#history-info[data-loaded="yes"]', { timeout: 30_000 });
    const power = page.locator('article[data-device="meter-1"] figure[data-field="active_power_w"]');
    await power.waitFor({ timeout: 30_000 });
    await waitFor(async () => Number(await power.getAttribute('data-points')) >= 5, 'the stored power points', 10_000);
    expect(Number(await power.getAttribute('data-oldest'))).toBeLessThan(openedAt - 50 * 60_000);
    // Filled from history although no reading came since the page opened; values from the real vectors.
    const value = (device: string, field: string) =>
      page.textContent(`article[data-device="${device}"] td[data-field="${field}"]`);
    expect(await value('meter-1', 'energy_import_wh')).toBe('12,346 kWh');
    expect(await value('meter-1', 'active_power_w')).toBe('1,962 W');
    expect(await value('linky', 'energy_import_wh')).toBe('13,444 kWh');
    expect(await value('road-1', 'mean_speed_kmh')).toMatch(/km\/h$/);
    const text = (await page.textContent('#gateway-view')) ?? '';
    expect(text).not.toMatch(/\de[+-]\d/);
    // Key fields first with a chart each; the SDM630's other fields are folded.
    const meter = page.locator('article[data-device="meter-1"]');
    expect(await meter.locator('table.key tr').count()).toBeLessThanOrEqual(4);
    expect(await meter.locator('details.more').getAttribute('open')).toBeNull();
    expect(await meter.locator('details.more summary').textContent()).toMatch(/^\d+ more fields$/);
    // One line per lane, labelled.
    const flow = page.locator('article[data-device="road-1"] figure[data-field="flow_veh_h"]');
    expect(await flow.getAttribute('data-lines')).toBe('2');
    expect(await flow.locator('.u-legend').textContent()).toMatch(/lane 1.*lane 2|lane 2.*lane 1/);
    // Cards are not stretched to the tallest of their row.
    const heights = await page.$$eval('article.device', (cards) => cards.map((c) => c.getBoundingClientRect().height));
    expect(new Set(heights.map(Math.round)).size).toBeGreaterThan(1);
    expect(await page.textContent('#gateway-events')).toContain('gateway_offline');
    await screenshot(page, 'history-gateway');

    await page.click('#range-24h');
    await waitFor(async () => /5 min/.test((await page.textContent('#history-info')) ?? ''), 'the 24 h range', 30_000);
    await page.click('#range-7d');
    await waitFor(
      async () => /hourly rollups/.test((await page.textContent('#history-info')) ?? ''),
      'the 7 d range',
      30_000,
    );
    await waitFor(async () => Number(await power.getAttribute('data-points')) >= 2, 'hourly points', 30_000);
    await screenshot(page, 'history-gateway-7d');
  });

  it('says quietly that an up device had an error, instead of showing it in red', async () => {
    await page.evaluate(() => {
      location.hash = '#/gateway/gw-hist-02';
    });
    const error = page.locator('article[data-device="pm-7"] .error');
    await error.waitFor({ timeout: 30_000 });
    expect(await error.textContent()).toBe('recovered from: no frame for 90 s');
    expect(await error.getAttribute('class')).toContain('recovered');
    const colour = await error.evaluate((el) => getComputedStyle(el).color);
    expect(colour).not.toBe('rgb(179, 38, 30)'); // --alarm
  });

  it('fits a phone: history and events, screenshots kept', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    phone.on('pageerror', (e) => pageErrors.push(e.message));
    try {
      await signIn(phone, broker.httpUrl, broker.operator.username, broker.operator.password);
      await phone.evaluate((gw) => {
        location.hash = `#/gateway/${gw}`;
      }, GW);
      await phone.waitForSelector('#history-info[data-loaded="yes"]', { timeout: 30_000 });
      await phone.waitForSelector('article[data-device="meter-1"] figure[data-field="active_power_w"] canvas', {
        timeout: 30_000,
      });
      const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      // No value runs past its card's edge.
      const spill = await phone.$$eval('article.device td.value', (cells) =>
        cells.filter((c) => c.scrollWidth > c.clientWidth + 1).map((c) => c.textContent),
      );
      expect(spill).toEqual([]);
      await screenshot(phone, 'phone-history-gateway');
      await phone.click('#nav-events');
      await phone.waitForSelector('#events-view tr[data-type="gateway_offline"]', { timeout: 30_000 });
      await screenshot(phone, 'phone-history-events');
    } finally {
      await phone.close();
    }
  });

  it('raised no error in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
