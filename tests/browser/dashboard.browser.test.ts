import mqtt, { type MqttClient } from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Topics } from '../../wire/index.js';
import { type Service, waitFor } from '../harness/index.js';
import { type DashboardBroker, startDashboardBroker } from './support/broker.js';
import { launchChromium } from './support/chromium.js';
import { screenshot, signIn, submitLogin } from './support/dashboard-page.js';
import { spawnSimulatedGateway } from './support/gateways.js';

const topics = new Topics();

describe('the operators dashboard, served by startBroker, in Chromium', () => {
  let broker: DashboardBroker;
  let browser: Browser;
  let page: Page;
  let sim: Service | undefined;
  let publisher: MqttClient;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    broker = await startDashboardBroker({ gateways: ['gw-port-01'] });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && pageErrors.push(m.text()));
    publisher = await mqtt.connectAsync(broker.mqttUrl, broker.admin);
  });

  afterAll(async () => {
    await sim?.stop('SIGKILL');
    await publisher?.endAsync();
    await browser?.close();
    await broker?.stop();
  });

  it('refuses a wrong password with a clear message, and keeps it out of the URL', async () => {
    await submitLogin(page, broker.httpUrl, broker.operator.username, 'not-the-password');
    await page.waitForSelector('#login-message.refused', { timeout: 30_000 });
    expect(await page.textContent('#login-message')).toBe('The broker refused this user name or password.');
    expect(page.url()).not.toContain('not-the-password');
    expect(await page.inputValue('#login-password')).toBe('');
    await screenshot(page, 'login-refused');
  });

  it('signs in and sees a simulated gateway come online', async () => {
    // A few more gateways (one of them offline) so the fleet view has something to sort and filter.
    for (const [id, site, state] of [
      ['gw-port-02', 'la-rochelle-port', 'online'],
      ['gw-minimes-01', 'les-minimes', 'offline'],
      ['gw-minimes-02', 'les-minimes', 'online'],
    ] as const) {
      const status = { state, gateway: id, site, version: '0.1.0', time: new Date().toISOString(), backlog: 0 };
      await publisher.publishAsync(topics.status(id), JSON.stringify(status), { qos: 1, retain: true });
    }
    await signIn(page, broker.httpUrl, broker.operator.username, broker.operator.password);
    expect(page.url()).not.toContain(broker.operator.password);
    await page.waitForSelector('tr[data-gateway="gw-minimes-01"][data-state="offline"]', { timeout: 30_000 });

    sim = await spawnSimulatedGateway({
      mqttUrl: broker.mqttUrl,
      gateway: 'gw-port-01',
      site: 'la-rochelle-port',
      devices: ['pm-1', 'meter-1', 'road-d937'],
      intervalMs: 250,
      username: 'gw-port-01',
      password: broker.gateways['gw-port-01'],
    });
    await page.waitForSelector('tr[data-gateway="gw-port-01"][data-state="online"]', { timeout: 30_000 });
    expect(await page.textContent('#fleet-summary')).toMatch(/4 gateways · 3 online · 1 offline/);

    await page.selectOption('#site-filter', 'les-minimes');
    await waitFor(async () => (await page.locator('tr[data-gateway]').count()) === 2, 'the site filter', 10_000);
    await page.selectOption('#site-filter', '');
    await screenshot(page, 'gateways');
  });

  it("shows a device's last reading with units and sees its value change", async () => {
    await page.click('tr[data-gateway="gw-port-01"]');
    const value = page.locator('article[data-device="pm-1"] td[data-field="pm2_5_ugm3"]');
    await value.waitFor({ timeout: 30_000 });
    const first = await value.textContent();
    expect(first).toMatch(/µg\/m³$/);
    await waitFor(async () => (await value.textContent()) !== first, 'the pm2_5 value to change', 30_000);
    expect(await page.textContent('article[data-device="meter-1"] td[data-field="active_power_w"]')).toMatch(/ W$/);
    expect(await page.textContent('article[data-device="road-d937"] td[data-field="mean_speed_kmh"]')).toMatch(
      / km\/h$/,
    );
    // Let the charts gather several seconds of points before the picture (it is the README's).
    await page.waitForSelector('article[data-device="pm-1"] .chart canvas', { timeout: 30_000 });
    await waitFor(
      async () => Number(await page.evaluate(() => window.tidegateDashboard?.counters.readings ?? 0)) >= 90,
      'some seconds of readings',
      30_000,
    );
    await screenshot(page, 'devices');
  });

  it('turns the gateway offline within seconds of its process being killed', async () => {
    await page.goto(`${broker.httpUrl}#/`);
    // goto to the same document with another hash keeps the session; sign in again only if it did not.
    if (await page.locator('#login-user').count())
      await signIn(page, broker.httpUrl, broker.operator.username, broker.operator.password);
    await page.waitForSelector('tr[data-gateway="gw-port-01"][data-state="online"]', { timeout: 30_000 });
    const killedAt = Date.now();
    sim?.child.kill('SIGKILL');
    await page.waitForSelector('tr[data-gateway="gw-port-01"][data-state="offline"]', { timeout: 30_000 });
    console.log(`gateway shown offline ${Date.now() - killedAt} ms after SIGKILL (informative, not asserted)`);
    expect(await page.textContent('tr[data-gateway="gw-port-01"] td.state')).toBe('OFFLINE');
    expect(await page.textContent('#fleet-summary')).toMatch(/2 online · 2 offline/);
    await screenshot(page, 'gateway-offline');
  });

  it('lists device events and messages it could not read', async () => {
    const event = { type: 'device_down', gateway: 'gw-port-02', device: 'pm-9', time: new Date().toISOString() };
    await publisher.publishAsync(topics.events('gw-port-02'), JSON.stringify({ ...event, reason: 'no answer' }));
    await publisher.publishAsync(topics.data('gw-port-02', 'pm-9'), 'air_quality pm2_5_ugm3=oops 1');
    await page.click('#nav-events');
    await page.waitForSelector('#events-view tr[data-type="device_down"]', { timeout: 30_000 });
    await page.waitForSelector('#events-view tr[data-type="message_rejected"]', { timeout: 30_000 });
    expect(await page.evaluate(() => window.tidegateDashboard?.counters.unreadable)).toBe(1);
    await screenshot(page, 'events');
  });

  it('fits a phone screen', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    try {
      await signIn(phone, broker.httpUrl, broker.operator.username, broker.operator.password);
      await phone.waitForSelector('tr[data-gateway="gw-port-01"]', { timeout: 30_000 });
      const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await screenshot(phone, 'phone-gateways');
    } finally {
      await phone.close();
    }
  });

  it('raised no error in the page (the content security policy included)', () => {
    expect(pageErrors).toEqual([]);
  });
});
