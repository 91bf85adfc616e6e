/**
 * The real plugin views in a real browser: the harness page (harness/) renders the side pane and the
 * note's blocks over the committed test-vault with Obsidian's CSS variables and our styles.css, in
 * Debian's headless Chromium driven by playwright-core. Skips, saying so, when Chromium is not installed
 * (scripts/install-browser.sh installs it).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { buildHarness } from './build-harness';
import { DESKTOP, PHONE, RULE, chromiumPath, clickPaneLink, launchChromium, openHarness } from './driver';

const CHROMIUM = chromiumPath();
if (!CHROMIUM) {
  console.warn('test/browser skipped: no Chromium at /usr/bin/chromium (install it with scripts/install-browser.sh)');
}
const describeIfChromium = CHROMIUM ? describe : describe.skip;

const PYTHON = 'Use Cases/T1059.006 - Command and Scripting Interpreter- Python.md';

describeIfChromium('harness in headless Chromium', () => {
  let browser: Browser;
  let index: string;

  beforeAll(async () => {
    index = await buildHarness();
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  async function open(opts: Parameters<typeof openHarness>[2] = {}): Promise<{ page: Page; errors: string[] }> {
    return openHarness(browser, index, opts);
  }

  test('the pane shows the open technique note\'s coverage, and its Dataview tables render as coverage', async () => {
    const { page, errors } = await open();
    expect(await page.evaluate(() => window.harness.panePath())).toBe(PYTHON);
    const pane = page.locator('.attack-coverage-view');
    await expect(pane.locator('.attack-coverage-id').first().textContent()).resolves.toBe('T1059.006');
    expect(await pane.locator('.attack-coverage-rules tbody tr:not(.attack-coverage-group)').count()).toBe(5);
    expect(await page.locator('.mod-root .block-language-dataview .attack-coverage-panel').count()).toBe(2);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  test('clicking a rule link opens the rule note and the pane follows to it', async () => {
    const { page, errors } = await open();
    await clickPaneLink(page, RULE);
    expect(await page.evaluate(() => window.harness.activeFile())).toBe(RULE);
    await expect(page.locator('.attack-coverage-view .attack-coverage-kind').textContent()).resolves.toBe('Detection rule');
    await expect(page.locator('.mod-root .view-header-title').first().textContent()).resolves.toBe('win_applocker_application_was_prevented_from_running');
    // Switch notes: back to a technique through the rule pane's own technique link.
    await page.click(`.attack-coverage-view summary a.internal-link[data-href="${PYTHON}"]`);
    await page.waitForFunction((p) => window.harness.panePath() === p, PYTHON);
    await expect(page.locator('.attack-coverage-view .attack-coverage-panel').getAttribute('class')).resolves.toContain('mod-technique');
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  test('switching notes through the app updates the pane (test note, then an ordinary note)', async () => {
    const { page } = await open();
    await page.evaluate(async () => {
      const runbook = window.harness.notes().find((p) => p.startsWith('Testing Runbooks/T1059.006 '));
      if (runbook) await window.harness.open(runbook);
    });
    await page.waitForSelector('.attack-coverage-view .attack-coverage-panel.mod-test');
    await expect(page.locator('.attack-coverage-view .attack-coverage-meta').textContent()).resolves.toBe('4 atomic tests in this note');
    await page.evaluate(() => window.harness.open('Detection Rules.md'));
    await page.waitForSelector('.attack-coverage-view .attack-coverage-panel.mod-other');
    await page.close();
  }, 60_000);

  test('sorting by a column in the browser, keyboard included', async () => {
    const { page } = await open();
    const level = page.locator('.attack-coverage-view .attack-coverage-rules th[data-key="level"]');
    await level.locator('button').focus();
    await page.keyboard.press('Enter');
    await expect(level.getAttribute('aria-sort')).resolves.toBe('ascending');
    const levels = await page.locator('.attack-coverage-view .attack-coverage-rules .attack-coverage-level').allTextContents();
    expect(levels).toEqual(['high', 'high', 'medium', 'medium', 'medium']);
    await page.close();
  }, 60_000);

  test('no inline styles anywhere; every colour in our stylesheet is an Obsidian variable', async () => {
    const { page } = await open();
    expect(await page.locator('[style]').count()).toBe(0);
    // A file:// page may not read its own sheets' rules: parse the same file as a constructed sheet.
    const text = readFileSync(join(__dirname, '../../styles.css'), 'utf8');
    const offending = await page.evaluate((cssText) => {
      const bad: string[] = [];
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(cssText);
      if (sheet.cssRules.length < 20) return ['styles.css did not parse'];
      const colourProps = /^(color|background|background-color|border|border-[a-z-]*color|border-(top|bottom|left|right|inline-start|inline-end)|outline|outline-color|fill|stroke|box-shadow|text-decoration-color)$/;
      const visit = (rules: CSSRuleList): void => {
        for (const rule of [...rules]) {
          if (rule instanceof CSSStyleRule) {
            for (const prop of [...rule.style]) {
              if (!colourProps.test(prop)) continue;
              const v = rule.style.getPropertyValue(prop).trim();
              const bare = v.replace(/var\(--[\w-]+\)/g, '');
              const literal = /#[0-9a-f]{3,8}\b|\brgba?\(\s*\d|\bhsla?\(\s*\d|\b(white|black|red|green|blue|gray|grey)\b/i.test(bare);
              if (literal) bad.push(`${rule.selectorText} { ${prop}: ${v} }`);
            }
          } else if ('cssRules' in rule) visit((rule as CSSGroupingRule).cssRules);
        }
      };
      visit(sheet.cssRules);
      return bad;
    }, text);
    expect(offending).toEqual([]);
    await page.close();
  }, 60_000);

  test('light and dark: the same elements take their colours from the theme\'s variables', async () => {
    const colours = async (theme: 'light' | 'dark'): Promise<Record<string, string>> => {
      const { page } = await open({ theme });
      const out = await page.evaluate(() => {
        const css = (sel: string, prop: string): string => getComputedStyle(document.querySelector(sel) as Element).getPropertyValue(prop);
        const probe = document.body.createDiv();
        const resolve = (v: string): string => {
          probe.className = '';
          probe.setAttribute('class', 'probe');
          probe.style.setProperty('color', `var(${v})`);
          const c = getComputedStyle(probe).color;
          probe.removeAttribute('style');
          return c;
        };
        const r = {
          link: css('.attack-coverage-view a.internal-link', 'color'),
          linkVar: resolve('--link-color'),
          high: css('.attack-coverage-view .attack-coverage-level.mod-high', 'color'),
          red: resolve('--color-red'),
          text: css('.attack-coverage-view .attack-coverage-title', 'color'),
          textVar: resolve('--text-normal'),
          muted: css('.attack-coverage-view .attack-coverage-summary', 'color'),
          mutedVar: resolve('--text-muted'),
        };
        probe.remove();
        return r;
      });
      await page.close();
      return out;
    };
    const light = await colours('light');
    const dark = await colours('dark');
    for (const c of [light, dark]) {
      expect(c.link).toBe(c.linkVar);
      expect(c.high).toBe(c.red);
      expect(c.text).toBe(c.textVar);
      expect(c.muted).toBe(c.mutedVar);
    }
    expect(light.text).not.toBe(dark.text);
    expect(light.high).not.toBe(dark.high);
  }, 60_000);

  test('an edit shows in the pane, swapped in place with the scroll position kept', async () => {
    const { page, errors } = await open({ open: 'Use Cases/T1078 - Valid Accounts.md' });
    const result = await page.evaluate(async () => {
      const pane = document.querySelector('.attack-coverage-view') as HTMLElement;
      pane.scrollTop = 400;
      const before = pane.scrollTop;
      const link = [...pane.querySelectorAll<HTMLAnchorElement>('.attack-coverage-rules td a.internal-link')][5];
      const path = link?.dataset.href ?? '';
      const row = link?.closest('tr');
      const level = row?.querySelector('.attack-coverage-level')?.textContent ?? '';
      const next = level === 'critical' ? 'low' : 'critical';
      const shown = await new Promise<string>((resolve) => {
        // Watch for the swap that shows the edited level.
        const mo = new MutationObserver(() => {
          const now = [...pane.querySelectorAll<HTMLAnchorElement>('.attack-coverage-rules td a.internal-link')].find((a) => a.dataset.href === path);
          const lv = now?.closest('tr')?.querySelector('.attack-coverage-level')?.textContent;
          if (lv === next) {
            mo.disconnect();
            resolve(lv);
          }
        });
        mo.observe(pane, { childList: true, subtree: true });
        void window.harness.edit(path, `level: "${level}"`, `level: "${next}"`);
      });
      return { shown, next, before, after: pane.scrollTop };
    });
    expect(result.shown).toBe(result.next);
    expect(result.before).toBeGreaterThan(0);
    expect(result.after).toBe(result.before);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  test('phone width: the pane fits without horizontal scrolling', async () => {
    const { page } = await open({ ...PHONE, phone: true });
    const overflow = await page.evaluate(() => {
      const el = document.querySelector('.attack-coverage-view') as HTMLElement;
      return el.scrollWidth - el.clientWidth;
    });
    expect(overflow).toBeLessThanOrEqual(0);
    // Rows stack at this width: the name cell takes the whole line.
    const widths = await page.evaluate(() => {
      const td = document.querySelector('.attack-coverage-view .attack-coverage-rules td.attack-coverage-col-name') as HTMLElement;
      const tr = td.parentElement as HTMLElement;
      return [td.getBoundingClientRect().width, tr.getBoundingClientRect().width];
    });
    expect(widths[0]).toBeGreaterThan((widths[1] ?? 0) * 0.8);
    await page.close();
  }, 60_000);

  test('desktop width in a note: the block is a real table', async () => {
    const { page } = await open({ ...DESKTOP });
    const display = await page.evaluate(() => getComputedStyle(document.querySelector('.mod-root .block-language-dataview table') as Element).display);
    expect(display).toBe('table');
    await page.close();
  }, 60_000);
});
