/**
 * `attack-coverage report` on test-vault: the real CLI path (linkedom) in a child process, the page
 * checked statically and then in headless Chromium, light and dark.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import catalogJson from '../../src/core/attack/catalog.json';
import { describeChromium, launch } from './chromium';

const ROOT = join(__dirname, '../..');
const VAULT = join(ROOT, 'test-vault');
const TSX = join(ROOT, 'node_modules/.bin/tsx');

/** The CLI under Node itself (not jest's module system, which cannot load linkedom's ESM dependency). */
function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(TSX, ['src/cli/main.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const active = (catalogJson as unknown as { techniques: Array<{ id: string; tactics: string[]; revoked?: boolean; deprecated?: boolean }> }).techniques.filter(
  (t) => !t.revoked && !t.deprecated,
);
const placements = active.reduce((n, t) => n + t.tactics.length, 0);
/** Technique IDs of test-vault's technique notes, straight from their file names. */
const noteIds = readdirSync(join(VAULT, 'Use Cases')).map((f) => /^(T\d{4}(?:\.\d{3})?) - /.exec(f)?.[1]).filter((x): x is string => !!x);

const dir = mkdtempSync(join(tmpdir(), 'acm-report-'));
const file = join(dir, 'report.html');
let html = '';

beforeAll(() => {
  const r = cli(['report', 'test-vault', '-o', file, '--vault-name', 'Test Vault']);
  expect(r.stderr.replace(/reading notes[^\n]*\n/g, '')).toBe('');
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/^Wrote .*report\.html: \d+ techniques/);
  html = readFileSync(file, 'utf8');
}, 120_000);

describe('report.html, statically', () => {
  test('one self-contained document: no script, no external resource, a CSP that forbids both', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/\bsrc=/i);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
  });

  test('inlined styles: Obsidian variables for light and dark, and the plugin\'s matrix styles', () => {
    expect(html).toContain('@media (prefers-color-scheme: dark)');
    expect(html).toContain('--color-green-rgb');
    expect(html).toContain('.acm-cell.is-state-covered-tested');
    expect(html).not.toMatch(/ style="/); // colours only via classes
  });

  test('a title with markup stays text: the page keeps one <title> and gains no element', () => {
    const hostile = join(dir, 'hostile.html');
    const title = '</title><meta http-equiv="refresh" content="0;url=https://example.org/"><b>x</b>';
    const r = cli(['report', 'test-vault', '-o', hostile, '--title', title]);
    expect(r.status).toBe(0);
    const page = readFileSync(hostile, 'utf8');
    expect(page).not.toContain('<meta http-equiv="refresh"');
    expect(page).not.toContain('<b>x</b>');
    expect(page.match(/<\/title>/gi)).toHaveLength(1);
    expect(page).toContain('<title>&lt;/title&gt;&lt;meta http-equiv="refresh" content="0;url=https://example.org/"&gt;&lt;b&gt;x&lt;/b&gt;</title>');
  }, 120_000);

  test('links back to the notes as obsidian:// URLs', () => {
    expect(html).toMatch(/href="obsidian:\/\/open\?vault=Test%20Vault&(amp;)?file=Use%20Cases%2FT1059\.001/);
  });
});

describeChromium('report.html in headless Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  async function open(scheme: 'light' | 'dark'): Promise<{ page: Page; errors: string[]; requests: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, colorScheme: scheme });
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) requests.push(r.url());
    });
    await page.goto(`file://${file}`);
    return { page, errors, requests };
  }

  test('renders the whole matrix, legend visible, no errors, no network', async () => {
    const { page, errors, requests } = await open('light');
    const counts = await page.evaluate(() => ({
      inMatrix: document.querySelectorAll('.acm-column:not(.is-other) .acm-cell').length,
      columns: [...document.querySelectorAll('.acm-column')].map((c) => c.getAttribute('data-tactic')),
      rows: [...document.querySelectorAll('#techniques tbody tr')].map((r) => r.getAttribute('data-id')),
    }));
    expect(counts.inMatrix).toBe(placements);
    expect(counts.columns.slice(0, 14)).toEqual(['reconnaissance', 'resource-development', 'initial-access', 'execution', 'persistence', 'privilege-escalation', 'defense-evasion', 'credential-access', 'discovery', 'lateral-movement', 'collection', 'command-and-control', 'exfiltration', 'impact']);
    for (const id of noteIds) expect(counts.rows).toContain(id);
    const legend = page.locator('#matrix .acm-legend');
    expect(await legend.isVisible()).toBe(true);
    // The legend stays on screen while the matrix scrolls under it.
    await page.evaluate(() => document.querySelector('#matrix .acm-grid')!.scrollIntoView());
    await page.mouse.wheel(0, 600);
    const box = await legend.boundingBox();
    expect(box && box.y >= 0 && box.y < 900).toBe(true);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  }, 60_000);

  test('state colours resolve from the theme variables, and differ between light and dark', async () => {
    const colours = async (scheme: 'light' | 'dark'): Promise<Record<string, string>> => {
      const { page } = await open(scheme);
      const out = await page.evaluate(() => {
        const bg = (sel: string): string => getComputedStyle(document.querySelector(sel)!).backgroundColor;
        return {
          tested: bg('.acm-cell.is-state-covered-tested'),
          untested: bg('.acm-cell.is-state-covered-untested'),
          neither: bg('.acm-cell.is-state-neither'),
          body: getComputedStyle(document.body).backgroundColor,
        };
      });
      await page.close();
      return out;
    };
    const light = await colours('light');
    const dark = await colours('dark');
    expect(light.tested).toBe('rgba(8, 185, 78, 0.28)'); // --color-green-rgb in Obsidian's light theme
    expect(dark.tested).toBe('rgba(68, 207, 110, 0.28)');
    expect(light.neither).toBe('rgb(224, 224, 224)'); // --background-modifier-border
    expect(new Set(Object.values(light)).size).toBe(4);
    expect(light.body).toBe('rgb(255, 255, 255)');
    expect(dark.body).toBe('rgb(30, 30, 30)');
  }, 60_000);

  test('sub-techniques expand and collapse without script; hover text has the counts', async () => {
    const { page } = await open('light');
    const id = await page.locator('#matrix details.acm-tech:not([open])').first().getAttribute('data-id');
    // A locator re-queries: pin the element by its ID, not by "not open".
    const det = page.locator(`#matrix details.acm-tech[data-id="${id}"]`).first();
    const subs = det.locator('.acm-subs');
    expect(await subs.isVisible()).toBe(false);
    await det.locator('summary .acm-badge').click();
    expect(await subs.isVisible()).toBe(true);
    await det.locator('summary .acm-badge').click();
    expect(await subs.isVisible()).toBe(false);
    const title = await page.locator(`#matrix [data-id="${id}"].acm-cell`).getAttribute('title');
    expect(title).toMatch(/\d+ rules?, level score \d+, \d+ atomic tests?/);
    await page.close();
  }, 60_000);
});
