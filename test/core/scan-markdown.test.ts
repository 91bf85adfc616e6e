/**
 * @jest-environment jsdom
 *
 * `scan --markdown`, rendered by markdown-it with GitHub's extras (tables, autolinks, strikethrough) as the
 * oracle: the tables hold the counts `scanReport` computes, and hostile note titles and paths come out as
 * exactly their own text, with no link, image, markup or extra cell.
 */
import fc from 'fast-check';
import MarkdownIt from 'markdown-it';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadVault } from '../../src/cli/vault';
import { runChecks } from '../../src/core/checks';
import { scanReport, scanSummary } from '../../src/core/report';
import { escapeMarkdown } from '../../src/core/markdown';
import { scanMarkdown } from '../../src/core/scan-markdown';

const VAULT = join(__dirname, '../../test-vault');
const md = new MarkdownIt({ linkify: true, html: true });

function render(markdown: string): Document {
  return new DOMParser().parseFromString(`<body>${md.render(markdown)}</body>`, 'text/html');
}
/** Every table as rows of cell texts, header row first. */
const tables = (doc: Document): string[][][] =>
  [...doc.querySelectorAll('table')].map((t) => [...t.querySelectorAll('tr')].map((tr) => [...tr.querySelectorAll('th, td')].map((c) => c.textContent ?? '')));

test('the tables hold the counts of the full scan report, and the listed diagnostics', () => {
  const { index } = loadVault(VAULT, { keepSources: false });
  const full = scanReport(index, VAULT);
  const summary = scanSummary(index, 'test-vault');
  const doc = render(scanMarkdown(summary));
  const [notes, share, most, diagnostics] = tables(doc);
  const c = full.counts;
  expect(notes?.[1]).toEqual([c.notes, c.techniques, c.rules, c.tests].map(String));
  expect(share?.slice(1).map((r) => r.slice(0, 2))).toEqual([
    ['with rules', String(c.techniquesWithRules)],
    ['with tests', String(c.techniquesWithTests)],
    ['with both', String(c.techniquesWithBoth)],
    ['with neither', String(c.techniquesWithNeither)],
  ]);
  // Most covered: the techniques with the most rules, own, rolled up and under successor IDs, as the full report lists them.
  const total = (t: (typeof full.techniques)[number]): number => t.rules.length + t.rolledUpRules.length + t.successorRules.length;
  const ranked = [...full.techniques].sort((a, b) => total(b) - total(a));
  expect(most?.slice(1).map((r) => Number(r[1]) + Number(r[2]) + Number(r[3]))).toEqual(ranked.slice(0, 10).map(total));
  const problems = full.diagnostics.filter((d) => d.severity !== 'info');
  expect(diagnostics?.slice(1)).toEqual(problems.slice(0, 20).map((d) => [d.severity, d.path, d.message]));
  expect(doc.querySelector('h2')?.textContent).toBe(`ATT&CK coverage: test-vault (ATT&CK ${full.attackVersion})`);
});

test('failed checks are listed under their heading', () => {
  const { index } = loadVault(VAULT, { keepSources: false });
  const summary = scanSummary(index, 'test-vault');
  const checks = runChecks(index, summary, { minWithRules: 100 });
  const doc = render(scanMarkdown(summary, checks));
  expect(doc.querySelector('h3')?.textContent).toBe(`Checks: ${checks.failures.length} failed`);
  expect([...doc.querySelectorAll('li')].map((li) => li.textContent)).toEqual(checks.failures.map((f) => `Failed: ${f}`));
});

const HOSTILE = [
  '[click](https://evil.example/)',
  '![pixel](https://evil.example/p.png)',
  '<img src=x onerror="alert(1)">',
  'a | b | c',
  '**bold** _it_ ~~gone~~ `code`',
  'https://evil.example/auto and www.evil.example',
  '# heading\n- item\n\n| x |',
  '&amp; &lt;b&gt; \\| \\\\',
];

test('hostile note titles and paths render as their own text, in the cells they belong to', () => {
  const dir = mkdtempSync(join(tmpdir(), 'attack-coverage-md-'));
  try {
    // Each hostile string as a technique note's name (frontmatter title of an ID the catalog lacks) and a path.
    HOSTILE.forEach((s, i) => {
      const path = join(dir, `Use Cases/T99${String(i).padStart(2, '0')} - ${s.replace(/[\n/\\]/g, ' ')}.md`);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, `---\ntags: [techniques, T99${String(i).padStart(2, '0')}]\n---\n# ${s.replace(/\n/g, ' ')}\n`);
    });
    const { index } = loadVault(dir, { keepSources: false });
    const summary = scanSummary(index, dir);
    const doc = render(scanMarkdown(summary));
    expect(doc.querySelectorAll('a, img, strong, em, s, code, script, h1').length).toBe(0);
    const [, , , diagnostics] = tables(doc);
    const problems = summary.diagnostics.filter((d) => d.severity !== 'info');
    expect(problems.length).toBeGreaterThan(0);
    expect(diagnostics?.slice(1)).toEqual(problems.slice(0, 20).map((d) => [d.severity, d.path.replace(/[\r\n]+/g, ' '), d.message.replace(/[\r\n]+/g, ' ')]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('any string escaped and put in a table cell renders as exactly that string', () => {
  fc.assert(
    fc.property(fc.oneof(fc.constantFrom(...HOSTILE), fc.string(), fc.string({ unit: fc.constantFrom(...'[]()!<>|*_~`#&\\:/.-+ aw\n'.split('')) })), (s) => {
      const doc = render(`| a | b |\n|---|---|\n| ${escapeMarkdown(s)} | end |\n`);
      expect(doc.querySelectorAll('a, img, strong, em, s, code').length).toBe(0);
      // markdown-it trims cells and turns NUL into U+FFFD, as CommonMark says.
      expect(tables(doc)[0]?.[1]).toEqual([s.replace(/[\r\n]+/g, ' ').replace(/\0/g, '\uFFFD').trim(), 'end']);
    }),
    { numRuns: 500 },
  );
});
