/** Debian's Chromium as this project's machines run it (playwright-core never downloads a browser). */
import { existsSync } from 'node:fs';

/** No sandbox (root), no GPU, no background network (the machines' network is closed). */
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

/** Debian's chromium (scripts/install-browser.sh installs it), or $CHROMIUM_PATH. */
export function chromiumPath(): string | null {
  for (const p of [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser']) {
    if (p && existsSync(p)) return p;
  }
  return null;
}
