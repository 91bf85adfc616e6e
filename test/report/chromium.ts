/**
 * Headless Chromium for the report and matrix checks: Debian's /usr/bin/chromium driven by
 * playwright-core (which never downloads a browser). Suites skip plainly when it is absent
 * (scripts/install-browser.sh installs it).
 */
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function hasChromium(): boolean {
  return existsSync(CHROMIUM);
}

export async function launch(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** `describe` when Chromium is installed; otherwise one skipped test and a message saying why. */
export function describeChromium(name: string, fn: () => void): void {
  if (hasChromium()) {
    describe(name, fn);
    return;
  }
  describe(name, () => {
    console.warn(`Skipping "${name}": no Chromium at ${CHROMIUM} (run scripts/install-browser.sh).`);
    test.skip(`Chromium missing at ${CHROMIUM}`, () => undefined);
  });
}
