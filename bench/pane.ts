/**
 * `npx tsx bench/pane.ts [--runs 25]`: how soon an edit shows in the side pane.
 *
 * The browser harness (harness/: the real plugin over test-vault in an `obsidian` stand-in) runs in
 * headless Chromium. On a technique note's pane, a rule's level is edited through the stand-in vault, which
 * updates the metadata as Obsidian does; the time runs from the edit to the DOM swap that shows the new
 * level. That is the pane's debounce (REFRESH_MS) plus re-indexing the note and redrawing the pane. Median
 * of `runs` edits after WARMUP unmeasured ones. Writes bench/pane-results.json. Needs Debian's chromium.
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, release, type } from 'node:os';
import { join } from 'node:path';
import { REFRESH_MS } from '../src/obsidian/constants';
import { buildHarness } from '../test/browser/build-harness';
import { chromiumPath, launchChromium, openHarness } from '../test/browser/driver';
import { stat } from './stats';

const ROOT = join(__dirname, '..');
const args = process.argv.slice(2);
const RUNS = Number(args[args.indexOf('--runs') + 1] || 25) || 25;
const WARMUP = 5;
const TECHNIQUE = 'Use Cases/T1078 - Valid Accounts.md';

async function main(): Promise<void> {
  if (!chromiumPath()) throw new Error('no Chromium: install it with scripts/install-browser.sh');
  const load = { start: loadavg()[0] ?? 0, end: 0 };
  const browser = await launchChromium();
  try {
    const { page, errors } = await openHarness(browser, await buildHarness(), { open: TECHNIQUE });
    const times: number[] = [];
    for (let i = 0; i < WARMUP + RUNS; i++) {
      const ms = await page.evaluate(async () => {
        const pane = document.querySelector('.attack-coverage-view') as HTMLElement;
        const link = [...pane.querySelectorAll<HTMLAnchorElement>('.attack-coverage-rules td a.internal-link')][0];
        const path = link?.dataset.href ?? '';
        const level = link?.closest('tr')?.querySelector('.attack-coverage-level')?.textContent ?? '';
        const next = level === 'critical' ? 'low' : 'critical';
        return new Promise<number>((resolve) => {
          const started = performance.now();
          const mo = new MutationObserver(() => {
            const now = [...pane.querySelectorAll<HTMLAnchorElement>('.attack-coverage-rules td a.internal-link')].find((a) => a.dataset.href === path);
            if (now?.closest('tr')?.querySelector('.attack-coverage-level')?.textContent === next) {
              mo.disconnect();
              resolve(performance.now() - started);
            }
          });
          mo.observe(pane, { childList: true, subtree: true });
          void window.harness.edit(path, `level: "${level}"`, `level: "${next}"`);
        });
      });
      if (i >= WARMUP) times.push(ms);
    }
    if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
    load.end = loadavg()[0] ?? 0;
    const edit = stat(times, 1);
    const results = {
      machine: { cpu: cpus()[0]?.model ?? '', cores: cpus().length, os: `${type()} ${release()}`, node: process.version, date: new Date().toISOString().slice(0, 10), load_average_1m: load },
      note: TECHNIQUE,
      debounce_ms: REFRESH_MS,
      edit_to_pane_ms: edit,
      redraw_after_debounce_ms: stat(times.map((t) => t - REFRESH_MS), 1),
    };
    writeFileSync(join(ROOT, 'bench/pane-results.json'), `${JSON.stringify(results, null, 2)}\n`);
    console.log(`edit → pane shows it: median ${edit.median} ms (min ${edit.min}), of which ${REFRESH_MS} ms is the debounce; ${RUNS} edits`);
  } finally {
    await browser.close();
  }
}

void main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
