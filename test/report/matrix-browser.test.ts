/**
 * The live matrix (as the plugin's view renders it) in headless Chromium: clicks reach the link
 * handler and the create callback without toggling the parent's sub-techniques, and a note edit
 * patches its cells in place.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { editedSource, harnessPage, vaultSources } from './browser';
import { describeChromium, launch } from './chromium';

const VAULT = join(__dirname, '../../test-vault');

type Acm = {
  render(score?: string, controls?: boolean, expanded?: string): { cells: number; techniques: number };
  update(s: unknown): { changed: string[]; structural: boolean };
  calls: { open: string[]; create: string[]; hover: string[] };
};
const acm = (page: Page) => ({
  render: (score = 'state', controls = true, expanded = 'none') =>
    page.evaluate(([s, c, e]) => (window as unknown as { acm: Acm }).acm.render(s, c, e), [score, controls, expanded] as const),
  calls: () => page.evaluate(() => (window as unknown as { acm: Acm }).acm.calls),
});

describeChromium('the matrix view in Chromium', () => {
  let browser: Browser;
  let page: Page;
  const sources = vaultSources(VAULT);

  beforeAll(async () => {
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await harnessPage(page, sources);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  test('all active techniques render, with controls and legend', async () => {
    const r = await acm(page).render('state', true, 'none');
    expect(r.techniques).toBeGreaterThan(600);
    expect(await page.locator('.acm-controls select').count()).toBe(6);
    expect(await page.locator('.acm-legend').isVisible()).toBe(true);
  });

  test('clicking a parent\'s name opens its note and leaves its sub-techniques as they were', async () => {
    await acm(page).render('state', false, 'none');
    const det = page.locator('details.acm-tech[data-id="T1059"]');
    await det.locator('summary a.acm-name').click();
    expect((await acm(page).calls()).open).toContain('Use Cases/T1059 - Command and Scripting Interpreter.md');
    expect(await det.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
    await det.locator('summary .acm-badge').click();
    expect(await det.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
  });

  test('the create button on a technique without a note asks for a note, once, for that ID', async () => {
    await acm(page).render('rules', false, 'none');
    const cell = page.locator('.acm-cell[data-id="T1046"]').first();
    await cell.hover();
    await cell.locator('[data-create]').click();
    expect((await acm(page).calls()).create).toEqual(['T1046']);
  });

  test('editing a rule patches only the cells it reaches, in place', async () => {
    await acm(page).render('state', false, 'none');
    const path = 'Detection Rules/av_password_dumper.md';
    const { after } = editedSource(VAULT, path, (t) => t.replace('tags: [credential-access, t1003, t1558, t1003_001, t1003_002, detection_rule]', 'tags: [reconnaissance, t1592, detection_rule]'));
    const before = await page.locator('.acm-cell[data-id="T1592"]').first().getAttribute('class');
    await page.evaluate(() => document.querySelector('.acm-cell[data-id="T1592"]')!.setAttribute('data-marker', 'same-node'));
    const r = await page.evaluate((s) => (window as unknown as { acm: Acm }).acm.update(s), after as unknown);
    expect(r.structural).toBe(false);
    expect(r.changed).toContain('T1592');
    expect(r.changed.length).toBeLessThan(10);
    const cell = page.locator('.acm-cell[data-id="T1592"]').first();
    expect(await cell.getAttribute('data-marker')).toBe('same-node');
    expect(before).toContain('is-state-neither');
    expect(await cell.getAttribute('class')).toContain('is-state-covered-untested');
  });
});
