/**
 * Technique analytics benchmark and screenshots.
 *
 *   npx tsx bench/analytics.ts [--runs 41] [--no-screenshots]
 *
 * Vault: every SigmaHQ rule of ../shared/corpus/sigma (rules, rules-threat-hunting, rules-emerging-threats)
 * written as rule notes with the project's note writer; without the corpus, the committed test-vault.
 * Node: the full parse of every rule note (once per note revision, cached), one rule edit (incremental
 * reach), and `techniqueAnalytics` for the technique with the most rules. Chromium (playwright-core +
 * /usr/bin/chromium, headless): `renderAnalytics` of that technique into an attached side-pane-width
 * panel, all sections open, timed to the end of the forced style + layout (median of `runs`, after warm-up);
 * and `loadDetails()` (inflate + parse the ATT&CK details) on fresh pages. Target: render < 16 ms.
 * Writes bench/analytics-results.json and docs/screenshots/analytics-*.png.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { chromium, type Page } from 'playwright-core';
import { techniqueAnalytics, type TechniqueAnalytics } from '../src/core/analytics/technique-analytics';
import { DetailsCatalog } from '../src/core/attack/details';
import { DETAILS_GZIP_BASE64 } from '../src/core/attack/details-packed';
import { sigmaCorpusVault, testVault, type Vault } from '../test/analytics/vaults';
import { source } from '../test/support/notes';
import { stat } from './stats';

const ROOT = path.resolve(__dirname, '..');
const CORPUS = path.resolve(ROOT, '../shared/corpus');
const SHOTS = path.join(ROOT, 'docs/screenshots');
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const args = process.argv.slice(2);
const RUNS = Number(args[args.indexOf('--runs') + 1] || 41) || 41;
const SCREENSHOTS = !args.includes('--no-screenshots');

/**
 * Styles the analytics sections need beyond styles.css (proposed for styles.css; Obsidian variables only).
 * The screenshots use styles.css + this.
 */


const round = (x: number, d = 2): number => Math.round(x * 10 ** d) / 10 ** d;
const stats = (xs: number[]): { median: number; min: number; max: number; runs: number } => {
  const { n, ...rest } = stat(xs, 2);
  return { ...rest, runs: n };
};

function time<T>(f: () => T): [T, number] {
  const t = performance.now();
  const r = f();
  return [r, performance.now() - t];
}

function chromiumPath(): string {
  for (const p of ['/usr/bin/chromium', '/usr/bin/chromium-browser']) if (existsSync(p)) return p;
  throw new Error('no Chromium at /usr/bin/chromium (scripts/install-browser.sh installs it)');
}

async function browserBundle(): Promise<string> {
  const res = await build({
    stdin: {
      contents: "export { renderAnalytics } from './src/ui/analytics';\nexport { loadDetails } from './src/core/attack/details';\n",
      resolveDir: ROOT,
      sourcefile: 'bench-entry.ts',
      loader: 'ts',
    },
    bundle: true,
    format: 'iife',
    globalName: 'AC',
    platform: 'browser',
    target: 'es2021',
    minify: true,
    write: false,
    logLevel: 'silent',
  });
  return res.outputFiles[0]!.text;
}

/** tsx compiles the functions handed to page.evaluate with esbuild's keep-names helper: give the page one. */
const KEEP_NAMES = '<script>window.__name = (f) => f;</script>';

function pageHtml(width: number): string {
  const read = (p: string): string => (existsSync(p) ? readFileSync(p, 'utf8') : '');
  const vars = read(path.join(ROOT, 'harness/obsidian-vars.css'));
  return `<!doctype html><html><head><meta charset="utf-8"><style>${vars}\n${read(path.join(ROOT, 'styles.css'))}
body { margin: 0; background: var(--background-primary, #fff); font-family: var(--font-interface, sans-serif); }
#pane { width: ${width}px; }
</style>${KEEP_NAMES}</head><body class="theme-light"><div id="pane" class="attack-coverage-view"><div id="host" class="attack-coverage-panel"></div></div></body></html>`;
}

async function renderTimes(page: Page, data: TechniqueAnalytics, runs: number): Promise<{ build: number[]; total: number[]; nodes: number }> {
  return page.evaluate(
    ({ data, runs }) => {
      const w = window as unknown as { AC: { renderAnalytics: (p: Element, d: unknown, l: unknown, o?: unknown) => HTMLElement } };
      const host = document.getElementById('host')!;
      const links = { href: (p: string) => p, open: () => undefined };
      const build: number[] = [];
      const total: number[] = [];
      let nodes = 0;
      for (let i = 0; i < runs + 5; i++) {
        host.replaceChildren();
        void host.offsetHeight;
        const t0 = performance.now();
        const root = w.AC.renderAnalytics(host, data, links);
        const t1 = performance.now();
        void root.offsetHeight; // style + layout of everything just attached
        const t2 = performance.now();
        if (i >= 5) {
          build.push(t1 - t0);
          total.push(t2 - t0);
        }
        nodes = root.getElementsByTagName('*').length;
      }
      return { build, total, nodes };
    },
    { data, runs },
  );
}

async function main(): Promise<void> {
  const useCorpus = existsSync(path.join(CORPUS, 'sigma'));
  process.stderr.write(`building the vault (${useCorpus ? 'SigmaHQ corpus' : 'test-vault'})…\n`);
  const [vault, buildMs] = time((): Vault => (useCorpus ? sigmaCorpusVault(CORPUS) : testVault()));
  const details = DetailsCatalog.fromJson(gunzipSync(Buffer.from(DETAILS_GZIP_BASE64, 'base64')).toString('utf8'));

  // Node: first full parse, then the cached path, then one edit.
  const [, syncMs] = time(() => vault.store.sync());
  const [, resyncMs] = time(() => vault.store.sync());
  const biggest = vault.index
    .techniqueIds()
    .map((id) => ({ id, n: vault.index.technique(id).rules.length + vault.index.technique(id).rolledUpRules.length }))
    .sort((a, b) => b.n - a.n)[0]!;
  const analyticsMs: number[] = [];
  let data!: TechniqueAnalytics;
  for (let i = 0; i < 15; i++) {
    const [d, ms] = time(() => techniqueAnalytics(vault.index, biggest.id, { store: vault.store, details }));
    data = d;
    if (i >= 3) analyticsMs.push(ms);
  }
  const rulePaths = [...vault.index.allNotes()].filter((n) => n.cls.role === 'rule').map((n) => n.facts.path);
  const editMs: number[] = [];
  for (let i = 0; i < 60; i++) {
    const p = rulePaths[(i * 7919) % rulePaths.length]!;
    const text = vault.texts.get(p)!;
    const edited = i % 2 ? text : text.replace(/\n```\n/, '\n# edited\n```\n');
    const [, ms] = time(() => {
      vault.index.upsert(source(p, edited));
      vault.store.sync();
    });
    editMs.push(ms);
  }
  const predicates = data.guide.fields.length;
  const totalPredicates = [...vault.store.all()].reduce((n, a) => n + a.predicates.length, 0);
  const techniquePredicates = data.vendors.flatMap((v) => v.packages.flatMap((p) => p.rules)).reduce((n, r) => n + r.predicates, 0);
  const python = techniqueAnalytics(vault.index, 'T1059.006', { store: vault.store, details });
  const pyImage = python.guide.indicators.find((r) => r.field === 'Image' && r.op === 'contains' && r.value.toLowerCase() === '\\python');

  // Chromium.
  const step = (s: string): void => void process.stderr.write(`${s}\n`);
  step(`node figures done; biggest ${biggest.id} (${data.rules} rules); bundling…`);
  const bundle = await browserBundle();
  step(`bundle ${(bundle.length / 1024).toFixed(0)} KiB; launching Chromium…`);
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS, headless: true });
  let evalMs = 0;
  let r = { build: [] as number[], total: [] as number[], nodes: 0 };
  let rPython = r;
  const loads: number[] = [];
  const shots: string[] = [];
  try {
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    await page.setContent(pageHtml(400));
    await page.addScriptTag({ content: `window.__t0 = performance.now();\n${bundle}\nwindow.__t1 = performance.now();` });
    evalMs = await page.evaluate(() => (window as unknown as { __t1: number; __t0: number }).__t1 - (window as unknown as { __t0: number }).__t0);
    step('rendering…');
    r = await renderTimes(page, data, RUNS);
    rPython = await renderTimes(page, python, RUNS);

    step('loading details…');
    for (let i = 0; i < 5; i++) {
      const p = await context.newPage();
      await p.setContent(pageHtml(400));
      await p.addScriptTag({ content: bundle });
      loads.push(
        await p.evaluate(async () => {
          const t = performance.now();
          await (window as unknown as { AC: { loadDetails: () => Promise<unknown> } }).AC.loadDetails();
          return performance.now() - t;
        }),
      );
      await p.close();
    }

    if (SCREENSHOTS) {
      mkdirSync(SHOTS, { recursive: true });
      const shoot = async (file: string, width: number, d: TechniqueAnalytics, opts: Record<string, unknown>): Promise<void> => {
        const p = await context.newPage();
        await p.setViewportSize({ width: width + 40, height: 900 });
        await p.setContent(pageHtml(width));
        await p.addScriptTag({ content: bundle });
        await p.evaluate(
          ({ d, opts }) => {
            const w = window as unknown as { AC: { renderAnalytics: (p: Element, d: unknown, l: unknown, o?: unknown) => HTMLElement } };
            w.AC.renderAnalytics(document.getElementById('host')!, d, { href: (x: string) => x }, opts);
          },
          { d, opts },
        );
        await p.locator('#pane').screenshot({ path: path.join(SHOTS, file) });
        shots.push(`docs/screenshots/${file}`);
        await p.close();
      };
      const pyVault = useCorpus ? testVault() : vault;
      const pyTestVault = techniqueAnalytics(pyVault.index, 'T1059.006', { store: pyVault.store, details });
      await shoot('analytics-t1059.006-guide.png', 720, pyTestVault, { sections: ['events', 'guide', 'packages'] });
      await shoot('analytics-t1059.006-attack.png', 720, pyTestVault, { sections: ['mitigations', 'detection'] });
      await shoot('analytics-pane.png', 400, pyTestVault, { sections: ['events', 'guide'], limit: 8 });
      await shoot('analytics-biggest.png', 720, data, { sections: ['events', 'guide'], limit: 10 });
    }
  } finally {
    await browser.close();
  }

  const results = {
    machine: { cpu: os.cpus()[0]?.model ?? '', cores: os.cpus().length, node: process.version, chromium: chromiumPath(), date: new Date().toISOString().slice(0, 10) },
    vault: {
      source: useCorpus ? 'SigmaHQ corpus (rules, rules-threat-hunting, rules-emerging-threats) as rule notes' : 'test-vault',
      ruleNotes: vault.store.size,
      predicates: totalPredicates,
      buildMs: round(buildMs),
    },
    node: {
      firstFullParseMs: round(syncMs),
      cachedSyncMs: round(resyncMs, 3),
      oneRuleEditMs: stats(editMs),
      techniqueAnalyticsMs: stats(analyticsMs),
    },
    biggest: {
      id: biggest.id,
      rules: data.rules,
      predicates: techniquePredicates,
      events: data.events.length,
      fields: predicates,
      indicators: data.guide.indicators.length,
      exclusions: data.guide.exclusions.length,
      dataJsonKiB: round(JSON.stringify(data).length / 1024, 1),
    },
    chromium: {
      bundleEvalMs: round(evalMs),
      renderBiggestMs: { build: stats(r.build), buildAndLayout: stats(r.total), elements: r.nodes },
      renderT1059_006Ms: { build: stats(rPython.build), buildAndLayout: stats(rPython.total), elements: rPython.nodes },
      loadDetailsMs: stats(loads),
      targetMs: 16,
      pass: stat(r.total).median < 16,
    },
    t1059_006: {
      rules: python.rules,
      events: python.events.filter((e) => !e.alternative).map((e) => `${e.provider} ${e.eventId}`),
      fields: python.guide.fields.map((f) => `${f.field} ${f.rules}`),
      indicators: python.guide.indicators.length,
      imageContainsPython: pyImage ? { here: pyImage.rules, reach: pyImage.reach } : null,
      mitigations: python.attack?.mitigations.map((m) => m.id) ?? [],
      expected: python.gap?.expected.map((e) => `${e.provider} ${e.eventId}${e.read ? '' : ' (missing)'}`) ?? [],
    },
    screenshots: shots,
  };
  writeFileSync(path.join(ROOT, 'bench/analytics-results.json'), `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
