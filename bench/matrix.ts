/**
 * `npx tsx bench/matrix.ts`: the coverage matrix in headless Chromium.
 *
 * For each vault — the committed test-vault, and a vault imported from the whole shared corpus
 * (every active technique with a note, every SigmaHQ rule, every Atomic Red Team file; written once to
 * bench/out/vault-corpus/, skipped when ../shared/corpus is absent) — the page indexes the notes with
 * the real engine, then times:
 *
 * - render: build the matrix model, build the DOM (controls, legend, every technique and sub-technique
 *   cell) detached, swap it in, force style and layout — what the view does when it opens or a filter
 *   changes — with sub-techniques collapsed (the view's default), open where covered, and all open;
 *   also the time to the next painted frame;
 * - update: one rule note edited (its technique changes back and forth), re-indexed, the cells it
 *   reaches recomputed and patched in place, layout forced (what the view does when a note changes).
 *
 * Each figure is the median of RUNS runs after WARMUP unmeasured ones (the first is kept as `first`);
 * results go to bench/matrix-results.json.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, release, type } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { load } from 'js-yaml';
import type { Browser, Page } from 'playwright-core';
import { defaultCatalog } from '../src/core/attack/catalog';
import { atomicNote } from '../src/core/import/atomic-note';
import { safeFileName, techniqueFileName, uniquePath } from '../src/core/import/names';
import { sigmaRuleNote } from '../src/core/import/sigma-note';
import { techniqueNote } from '../src/core/import/technique-note';
import type { NoteSource } from '../src/core/metadata';
import { editedSource, harnessPage, vaultSources } from '../test/report/browser';
import { CHROMIUM, hasChromium, launch } from '../test/report/chromium';
import { stat as statOf, type Stat } from './stats';

const ROOT = join(__dirname, '..');
const CORPUS = join(ROOT, '../shared/corpus');
const CORPUS_VAULT = join(ROOT, 'bench/out/vault-corpus');
const RESULTS = join(ROOT, 'bench/matrix-results.json');
const RUNS = 25;
/** Renders before measuring: JIT tiers up and the page's heap grows to its working size (Obsidian's is far larger). */
const WARMUP = 10;
const BUDGET_MS = 100;

const stat = (xs: number[]): Stat => statOf(xs, 2);

function files(dir: string, ext: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...files(p, ext));
    else if (e.name.endsWith(ext)) out.push(p);
  }
  return out.sort();
}

/** The whole shared corpus as a Use-Case-Catalogue vault (deterministic; written once). */
function corpusVault(): string | null {
  if (!existsSync(CORPUS)) return null;
  const stamp = join(CORPUS_VAULT, '.generated');
  if (existsSync(stamp)) return CORPUS_VAULT;
  const catalog = defaultCatalog();
  const write = (rel: string, text: string): void => {
    const f = join(CORPUS_VAULT, rel);
    mkdirSync(dirname(f), { recursive: true });
    writeFileSync(f, text);
  };
  for (const t of catalog.techniques()) {
    write(`Use Cases/${techniqueFileName(t.id, catalog.displayName(t.id) ?? t.name)}.md`, techniqueNote(t, { catalog }));
  }
  const taken = new Set<string>();
  let rules = 0;
  for (const f of files(join(CORPUS, 'sigma/rules'), '.yml')) {
    const text = readFileSync(f, 'utf8');
    let rule: unknown;
    try {
      rule = load(text);
    } catch {
      continue;
    }
    if (!rule || typeof rule !== 'object') continue;
    write(uniquePath('Detection Rules', safeFileName(basename(f).replace(/\.ya?ml$/, '')), taken), sigmaRuleNote(text, rule as Record<string, unknown>));
    rules++;
  }
  let atomics = 0;
  for (const f of files(join(CORPUS, 'atomic-red-team/atomics'), '.yaml')) {
    const atomic = load(readFileSync(f, 'utf8')) as Record<string, unknown>;
    const id = typeof atomic?.attack_technique === 'string' ? atomic.attack_technique : '';
    if (!id) continue;
    write(`Testing Runbooks/${techniqueFileName(id, typeof atomic.display_name === 'string' ? atomic.display_name : id)}.md`, atomicNote(atomic));
    atomics++;
  }
  writeFileSync(stamp, JSON.stringify({ techniques: catalog.techniques().length, rules, atomics }));
  return CORPUS_VAULT;
}

/** A rule note to edit: the first rule (by path) naming exactly one technique via a `tXXXX` tag. */
function editTarget(sources: NoteSource[]): { path: string; from: string; to: string } {
  for (const s of [...sources].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    if (!s.path.startsWith('Detection Rules/') || !s.text) continue;
    const m = /^tags: \[(.*)\]$/m.exec(s.text);
    const ids = m ? [...m[1]!.matchAll(/\bt\d{4}(?:_\d{3})?\b/g)].map((x) => x[0]) : [];
    if (ids.length === 1) return { path: s.path, from: ids[0]!, to: ids[0] === 't1046' ? 't1057' : 't1046' };
  }
  throw new Error('no rule note with exactly one technique tag');
}

type Mode = 'none' | 'annotated' | 'all';
/** Sub-techniques collapsed (the view's default), open where covered (the report's), all open. */
const MODES: Mode[] = ['none', 'annotated', 'all'];

interface RenderStats {
  /** Cells visible at once (parents, plus open sub-techniques). */
  visibleCells: number;
  first: { model: number; dom: number; layout: number; total: number };
  model: Stat;
  dom: Stat;
  layout: Stat;
  total: Stat;
  toFrame: Stat;
}

interface VaultResult {
  vault: string;
  notes: number;
  techniques: number;
  /** Cells in the DOM: every technique and sub-technique placement, plus IDs outside the matrix. */
  cells: number;
  render: Record<Mode, RenderStats>;
  update: { index: Stat; model: Stat; dom: Stat; total: Stat; changedCells: number; structural: boolean };
  underBudget: boolean;
}

type Acm = {
  render(score?: string, controls?: boolean, expanded?: string): { model: number; dom: number; layout: number; total: number; cells: number; techniques: number };
  update(s: NoteSource): { index: number; model: number; dom: number; total: number; changed: string[]; structural: boolean };
  nextFrame(): Promise<number>;
};

async function benchVault(browser: Browser, label: string, dir: string): Promise<VaultResult> {
  const sources = vaultSources(dir);
  const page: Page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  const notes = await harnessPage(page, sources);
  const pick = <K extends string>(xs: Array<Record<K, number>>, k: K): Stat => stat(xs.map((x) => x[k]));
  const render = {} as Record<Mode, RenderStats>;
  let techniques = 0;
  let cells = 0;
  for (const mode of MODES) {
    const first = await page.evaluate((m) => (window as unknown as { acm: Acm }).acm.render('state', true, m), mode);
    for (let i = 1; i < WARMUP; i++) await page.evaluate((m) => (window as unknown as { acm: Acm }).acm.render('state', true, m), mode);
    techniques = first.techniques;
    cells = first.cells;
    const visibleCells = await page.evaluate(() => [...document.querySelectorAll('.acm-cell')].filter((c) => c.checkVisibility()).length);
    const runs: Array<{ model: number; dom: number; layout: number; total: number; toFrame: number }> = [];
    for (let i = 0; i < RUNS; i++) {
      runs.push(
        await page.evaluate(async (m) => {
          const acm = (window as unknown as { acm: Acm }).acm;
          const t0 = performance.now();
          const r = acm.render('state', true, m);
          const painted = await acm.nextFrame();
          return { ...r, toFrame: painted - t0 };
        }, mode),
      );
    }
    render[mode] = {
      visibleCells,
      first: { model: first.model, dom: first.dom, layout: first.layout, total: first.total },
      model: pick(runs, 'model'),
      dom: pick(runs, 'dom'),
      layout: pick(runs, 'layout'),
      total: pick(runs, 'total'),
      toFrame: pick(runs, 'toFrame'),
    };
  }
  await page.evaluate(() => (window as unknown as { acm: Acm }).acm.render('state', true, 'none'));
  const target = editTarget(sources);
  const { before, after } = editedSource(dir, target.path, (t) => t.replace(new RegExp(`\\b${target.from}\\b`, 'g'), target.to));
  const updates: Array<{ index: number; model: number; dom: number; total: number; changed: string[]; structural: boolean }> = [];
  for (let i = 0; i <= RUNS; i++) {
    const src = i % 2 === 0 ? after : before;
    const u = await page.evaluate((s) => (window as unknown as { acm: Acm }).acm.update(s as NoteSource), src as unknown);
    if (i > 0) updates.push(u); // the first one warms up
  }
  await page.close();
  return {
    vault: label,
    notes,
    techniques,
    cells,
    render,
    update: {
      index: pick(updates, 'index'),
      model: pick(updates, 'model'),
      dom: pick(updates, 'dom'),
      total: pick(updates, 'total'),
      changedCells: Math.max(...updates.map((u) => u.changed.length)),
      structural: updates.some((u) => u.structural),
    },
    underBudget: MODES.every((m) => render[m].total.median < BUDGET_MS),
  };
}

async function main(): Promise<void> {
  if (!hasChromium()) {
    console.error(`No Chromium at ${CHROMIUM}: run scripts/install-browser.sh`);
    process.exitCode = 1;
    return;
  }
  const vaults: Array<[string, string]> = [];
  const corpus = corpusVault();
  if (corpus) vaults.push(['corpus', corpus]);
  else console.warn('No ../shared/corpus: benchmarking test-vault only.');
  vaults.push(['test-vault', join(ROOT, 'test-vault')]);
  const browser = await launch();
  const results: VaultResult[] = [];
  try {
    for (const [label, dir] of vaults) {
      const r = await benchVault(browser, label, dir);
      results.push(r);
      const f = (m: Mode): string => {
        const x = r.render[m];
        return `${m} ${x.total.median} ms [model ${x.model.median}, DOM ${x.dom.median}, style+layout ${x.layout.median}; to frame ${x.toFrame.median}; ${x.visibleCells} visible]`;
      };
      console.log(`${label}: ${r.notes} notes, ${r.techniques} techniques, ${r.cells} cells`);
      console.log(`  render  ${MODES.map(f).join('\n          ')}`);
      console.log(`  update  ${r.update.total.median} ms (${r.update.changedCells} cells; index ${r.update.index.median}, model ${r.update.model.median}, DOM ${r.update.dom.median})`);
    }
  } finally {
    await browser.close();
  }
  const browserVersion = execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  const out = {
    date: new Date().toISOString(),
    machine: { os: `${type()} ${release()}`, cpu: cpus()[0]?.model ?? '', cores: cpus().length, node: process.version, browser: browserVersion },
    runs: RUNS,
    budgetMs: BUDGET_MS,
    results,
  };
  writeFileSync(RESULTS, JSON.stringify(out, null, 2) + '\n');
  console.log(`Wrote ${RESULTS}`);
  if (!results.every((r) => r.underBudget)) {
    console.error(`Render over the ${BUDGET_MS} ms budget`);
    process.exitCode = 1;
  }
}

void main();
