/**
 * Headless Chromium for the report and matrix checks: Debian's /usr/bin/chromium driven by
 * playwright-core (which never downloads a browser). Suites skip plainly when it is absent
 * (scripts/install-browser.sh installs it).
 */
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath } from '../support/chromium';

export const CHROMIUM = chromiumPath() ?? '/usr/bin/chromium';
export { CHROMIUM_ARGS };

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
