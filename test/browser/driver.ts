/**
 * Drives the harness page in Debian's Chromium with playwright-core (which never downloads a browser).
 * Shared by the browser test and `npm run screenshots`.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import type {} from '../../harness/api';

export { CHROMIUM_ARGS, chromiumPath } from '../support/chromium';
import { CHROMIUM_ARGS, chromiumPath } from '../support/chromium';

export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error('chromium not found: run scripts/install-browser.sh (Debian package "chromium")');
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
}

export interface PageOptions {
  theme?: 'light' | 'dark';
  width?: number;
  height?: number;
  /** Phone layout: the pane (or with `note`, the note) full screen. */
  phone?: boolean;
  note?: boolean;
  open?: string;
  scale?: number;
}

export const DESKTOP = { width: 1280, height: 820 };
export const PHONE = { width: 390, height: 844 };

/** Opens the built harness and waits until the pane shows coverage. Page errors are collected in `errors`. */
export async function openHarness(browser: Browser, indexHtml: string, opts: PageOptions = {}): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({
    viewport: { width: opts.width ?? DESKTOP.width, height: opts.height ?? DESKTOP.height },
    deviceScaleFactor: opts.scale ?? 1,
  });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  const q = new URLSearchParams();
  if (opts.theme) q.set('theme', opts.theme);
  if (opts.phone) q.set('phone', '1');
  if (opts.note) q.set('note', '1');
  if (opts.open) q.set('open', opts.open);
  await page.goto(`${pathToFileURL(indexHtml).href}?${q.toString()}`);
  await page.evaluate(() => window.harness.ready);
  return { page, errors };
}

/** Click a link in the pane and wait until the pane shows the linked note. */
export async function clickPaneLink(page: Page, path: string): Promise<void> {
  await page.click(`.attack-coverage-view a.internal-link[data-href="${path.replace(/"/g, '\\"')}"]`);
  await page.waitForFunction((p) => window.harness.panePath() === p && document.querySelector('.attack-coverage-view .attack-coverage-panel.mod-rule, .attack-coverage-view .attack-coverage-panel.mod-test') !== null, path);
}

export const RULE = 'Detection Rules/win_applocker_application_was_prevented_from_running.md';
/** A parent technique with rules rolled up from its sub-techniques, and a gap (no tests). */
export const ROLLUP = 'Use Cases/T1078 - Valid Accounts.md';
/** A v18 ID whose rules SigmaHQ files under the v19 ID (T1685). */
export const SUCCESSOR = 'Use Cases/T1562.001 - Impair Defenses- Disable or Modify Tools.md';

/** Scroll the open note so that the heading above its first Dataview table is at the top. */
async function scrollToFirstQuery(page: Page): Promise<void> {
  await page.evaluate(() => {
    const block = document.querySelector<HTMLElement>('.mod-root .block-language-dataview');
    const scroller = block?.closest<HTMLElement>('.view-content');
    const heading = block?.parentElement?.previousElementSibling as HTMLElement | null | undefined;
    if (scroller && heading) scroller.scrollTop = heading.getBoundingClientRect().top - scroller.getBoundingClientRect().top + scroller.scrollTop - 16;
  });
}

/** The README's screenshots: light and dark, desktop and phone. Returns the files written. */
export async function takeScreenshots(browser: Browser, indexHtml: string, outDir: string): Promise<string[]> {
  mkdirSync(outDir, { recursive: true });
  const written: string[] = [];
  const shot = async (page: Page, name: string): Promise<void> => {
    const file = join(outDir, name);
    // Technique analytics arrive after the coverage panel: wait for them (best effort) before the shot.
    await page
      .waitForFunction(() => !document.querySelector('.attack-coverage-view')?.textContent?.includes('Analysing rules'), null, { timeout: 15_000 })
      .catch(() => undefined);
    await page.screenshot({ path: file });
    written.push(file);
  };
  for (const theme of ['light', 'dark'] as const) {
    const { page } = await openHarness(browser, indexHtml, { theme, ...DESKTOP });
    // The note scrolled to its first Dataview table, which the plugin renders as a coverage panel.
    await scrollToFirstQuery(page);
    await shot(page, `pane-${theme}.png`);
    await clickPaneLink(page, RULE);
    await shot(page, `rule-${theme}.png`);
    await page.close();

    // One theme each: a parent with rolled-up rules and a gap; a technique whose rules use its next-release ID.
    const extra = theme === 'light' ? { open: ROLLUP, name: 'rollup-light.png' } : { open: SUCCESSOR, name: 'successor-dark.png' };
    const other = await openHarness(browser, indexHtml, { theme, ...DESKTOP, open: extra.open });
    // Sorted by name, rolled-up rows (marked with their sub-technique) mix with direct ones.
    if (extra.open === ROLLUP) await other.page.click('.attack-coverage-view .attack-coverage-rules th[data-key="title"] button');
    await shot(other.page, extra.name);
    await other.page.close();

    const phone = await openHarness(browser, indexHtml, { theme, ...PHONE, phone: true, scale: 2 });
    await shot(phone.page, `mobile-pane-${theme}.png`);
    await phone.page.evaluate(() => window.harness.setPhone(true, true));
    await scrollToFirstQuery(phone.page);
    await shot(phone.page, `mobile-note-${theme}.png`);
    await phone.page.close();
  }
  return written;
}
