import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';

export const ARTIFACTS = fileURLToPath(new URL('../../artifacts/dashboard/', import.meta.url));

/** Opens the dashboard and submits the login form; does not wait for the outcome. */
export async function submitLogin(page: Page, url: string, username: string, password: string): Promise<void> {
  await page.goto(url);
  await page.fill('#login-user', username);
  await page.fill('#login-password', password);
  await page.click('form.login button[type=submit]');
}

/** Signs in and waits for the gateways view. */
export async function signIn(page: Page, url: string, username: string, password: string): Promise<void> {
  await submitLogin(page, url, username, password);
  await page.waitForSelector('#gateways-view', { timeout: 30_000 });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = `${ARTIFACTS}${name}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}
