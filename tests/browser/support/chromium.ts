import { type Browser, chromium } from 'playwright-core';
import { requireBinary } from '../../harness/binaries.js';

/** Debian's Chromium, headless, driven by playwright-core (`npx playwright install` cannot download here). */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: requireBinary('chromium', 'chromium'),
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}
