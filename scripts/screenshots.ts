/**
 * `npm run screenshots`: builds the browser harness, renders the real plugin views over test-vault in
 * headless Chromium and writes the README's screenshots to docs/screenshots/.
 */
import { join } from 'node:path';
import { buildHarness } from '../test/browser/build-harness';
import { chromiumPath, launchChromium, takeScreenshots } from '../test/browser/driver';

async function main(): Promise<void> {
  if (!chromiumPath()) {
    console.error('chromium not found: run scripts/install-browser.sh first');
    process.exit(2);
  }
  const index = await buildHarness();
  const browser = await launchChromium();
  try {
    const files = await takeScreenshots(browser, index, join(__dirname, '../docs/screenshots'));
    for (const f of files) console.log(f);
  } finally {
    await browser.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
