/**
 * `npx tsx test/report/screenshots.ts`: the README's screenshots, taken in headless Chromium.
 *
 * - docs/screenshots/matrix-light.png, matrix-dark.png: `attack-coverage report` on test-vault
 *   (the same render code as the plugin's view), light and dark (prefers-color-scheme);
 * - docs/screenshots/matrix-overlay-light.png: the view's controls and the matrix scored by rules,
 *   with a threat-actor layer as overlay (test/layers/fixtures/apt-layers.json).
 */
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeReport } from '../../src/cli/commands/report';
import { ROOT, harnessPage, vaultSources } from './browser';
import { hasChromium, launch } from './chromium';

const OUT = join(ROOT, 'docs/screenshots');
const VIEWPORT = { width: 1840, height: 1100 };

async function main(): Promise<void> {
  if (!hasChromium()) throw new Error('no Chromium: run scripts/install-browser.sh');
  mkdirSync(OUT, { recursive: true });
  const file = join(mkdtempSync(join(tmpdir(), 'acm-shots-')), 'report.html');
  await writeReport(join(ROOT, 'test-vault'), { output: file, rollup: true, vaultName: 'test-vault' });
  const browser = await launch();
  try {
    for (const scheme of ['light', 'dark'] as const) {
      const page = await browser.newPage({ viewport: VIEWPORT, colorScheme: scheme });
      await page.goto(`file://${file}`);
      await page.screenshot({ path: join(OUT, `matrix-${scheme}.png`) });
      await page.close();
    }
    const page = await browser.newPage({ viewport: VIEWPORT, colorScheme: 'light' });
    await harnessPage(page, vaultSources(join(ROOT, 'test-vault')));
    const layer = readFileSync(join(ROOT, 'test/layers/fixtures/apt-layers.json'), 'utf8');
    await page.evaluate((text) => {
      const acm = (window as unknown as { acm: { setOverlay(t: string): void; render(s: string, c: boolean, e: string): unknown } }).acm;
      acm.setOverlay(text);
      acm.render('rules', true, 'annotated');
    }, layer);
    await page.screenshot({ path: join(OUT, 'matrix-overlay-light.png') });
    await page.close();
  } finally {
    await browser.close();
  }
  console.log(`Wrote ${OUT}/matrix-light.png, matrix-dark.png, matrix-overlay-light.png`);
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
