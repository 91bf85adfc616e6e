/**
 * `attack-coverage`: the plugin's engine over a vault folder, for CI and for people without Obsidian.
 */
import { Command, CommanderError } from 'commander';
import { evaluateCoverageBlock, parseCoverageBlock } from '../core/coverage-block';
import type { TechniqueCoverage } from '../core/coverage-index';
import { parseBareId } from '../core/ids';
import { evaluateQuery, findQueryBlocks, parseQueryBlock, toCoverageSpec, type CoverageBlockSpec } from '../core/queries';
import { scanReport, type ScanReport } from '../core/report';
import { loadVault, VaultError, type LoadedVault } from './vault';
import { parseYamlCore } from './yaml';

const out = (s: string): void => {
  process.stdout.write(s.endsWith('\n') ? s : s + '\n');
};
const json = (v: unknown): void => out(JSON.stringify(v, null, 2));

function progress(done: number, total: number): void {
  process.stderr.write(`reading notes: ${done}/${total}\n`);
}

function load(vault: string, opts: { rollUp?: boolean }): LoadedVault {
  return loadVault(vault, { progress, settings: opts.rollUp === false ? { rollUp: false } : {} });
}

function pct(n: number, of: number): string {
  return of ? `${Math.round((100 * n) / of)}%` : '-';
}

function printScan(r: ScanReport): void {
  const c = r.counts;
  out(`Vault ${r.vault}${r.attackVersion ? ` (ATT&CK ${r.attackVersion})` : ''}`);
  out(`  notes           ${c.notes}`);
  out(`  technique notes ${c.techniques}`);
  out(`  rule notes      ${c.rules}`);
  out(`  test notes      ${c.tests}`);
  out('');
  out(`Techniques with rules        ${c.techniquesWithRules} (${pct(c.techniquesWithRules, c.techniques)})`);
  out(`Techniques with tests        ${c.techniquesWithTests} (${pct(c.techniquesWithTests, c.techniques)})`);
  out(`Techniques with both         ${c.techniquesWithBoth} (${pct(c.techniquesWithBoth, c.techniques)})`);
  out(`Techniques with neither      ${c.techniquesWithNeither} (${pct(c.techniquesWithNeither, c.techniques)})`);
  const top = [...r.techniques].sort((a, b) => b.rules.length + b.rolledUpRules.length - (a.rules.length + a.rolledUpRules.length)).slice(0, 10);
  if (top.length) {
    out('');
    out('Most covered:');
    for (const t of top) out(`  ${t.id.padEnd(10)} ${String(t.rules.length).padStart(4)} rules (+${t.rolledUpRules.length} rolled up) ${String(t.testCount).padStart(3)} tests  ${t.name}`);
  }
  const errors = r.diagnostics.filter((d) => d.severity !== 'info');
  if (r.diagnostics.length) {
    out('');
    out(`Diagnostics: ${errors.length} problems, ${r.diagnostics.length - errors.length} notes of information (see --json)`);
    for (const d of errors.slice(0, 20)) out(`  ${d.severity.padEnd(7)} ${d.path}: ${d.message}`);
    if (errors.length > 20) out(`  … ${errors.length - 20} more`);
  }
}

function printTechnique(t: TechniqueCoverage): void {
  out(`${t.id} ${t.name}${t.status !== 'active' ? ` [${t.status}${t.replacement ? ` → ${t.replacement}` : ''}]` : ''}`);
  out(`  note: ${t.path ?? '(none)'}`);
  if (t.gaps.length) out(`  gaps: ${t.gaps.join('; ')}`);
  const byVendor = new Map<string, typeof t.rules>();
  for (const r of t.rules) byVendor.set(r.vendor || 'unknown', [...(byVendor.get(r.vendor || 'unknown') ?? []), r]);
  out(`  rules: ${t.rules.length}`);
  for (const [vendor, rules] of byVendor) {
    out(`    ${vendor} (${rules.length})`);
    for (const r of rules) out(`      ${r.title}  [${r.status || '-'} / ${r.level || '-'} / ${[r.product, r.service, r.category].filter(Boolean).join(' ') || '-'}]  ${r.path}`);
  }
  if (t.rolledUpRules.length) {
    out(`  rolled up from sub-techniques: ${t.rolledUpRules.length}`);
    for (const r of t.rolledUpRules) out(`    ${r.via}  ${r.title}  ${r.path}`);
  }
  out(`  tests: ${t.testCount} in ${t.tests.length} notes${t.rolledUpTests.length ? ` (+${t.rolledUpTestCount} rolled up)` : ''}`);
  for (const x of [...t.tests, ...t.rolledUpTests]) out(`    ${x.via ? `${x.via}  ` : ''}${x.testCount} tests  ${x.path}`);
}

interface BlockRow {
  path: string;
  language: string;
  line: number;
  query: string;
  supported: boolean;
  reason?: string;
  rows: string[];
  coverage?: CoverageBlockSpec | null;
}

function collectBlocks(v: LoadedVault): BlockRow[] {
  const rows: BlockRow[] = [];
  const s = v.index;
  const settings = { ruleFolders: ['Detection Rules'], testFolders: ['atomics', 'Testing Runbooks'], ruleTags: ['detection_rule'], testTags: ['atomic_test'] };
  for (const src of v.sources.values()) {
    if (!src.text) continue;
    for (const b of findQueryBlocks(src.text)) {
      const base = { path: src.path, language: b.lang, line: b.start.line + 1, query: b.content };
      if (b.lang === 'attack-coverage') {
        const res = evaluateCoverageBlock(s, parseCoverageBlock(b.content, parseYamlCore), src.path);
        rows.push({
          ...base,
          supported: res.technique !== null,
          ...(res.problems.length ? { reason: res.problems.join('; ') } : {}),
          rows: [...res.rules.map((r) => r.path), ...res.tests.map((t) => t.path)],
        });
        continue;
      }
      const q = parseQueryBlock(b.lang, b.content);
      rows.push({
        ...base,
        supported: q.supported,
        ...(q.supported ? {} : { reason: q.reason }),
        rows: evaluateQuery(s, q),
        coverage: toCoverageSpec(q, settings),
      });
    }
  }
  return rows.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line));
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('attack-coverage')
    .description('ATT&CK technique coverage from the detection-rule and atomic-test notes of an Obsidian vault')
    .showHelpAfterError()
    .exitOverride();

  program
    .command('scan')
    .description('summarise coverage: techniques with and without rules and tests, and diagnostics')
    .argument('<vault>', 'vault folder')
    .option('--json', 'machine-readable output')
    .option('--no-rollup', 'do not roll sub-technique rules up into parents')
    .action((vault: string, opts: { json?: boolean; rollup: boolean }) => {
      const report = scanReport(load(vault, { rollUp: opts.rollup }).index, vault);
      if (opts.json) json(report);
      else printScan(report);
    });

  program
    .command('blocks')
    .description('list the dataview, query and attack-coverage blocks of the vault with the notes each lists')
    .argument('<vault>', 'vault folder')
    .option('--json', 'machine-readable output')
    .action((vault: string, opts: { json?: boolean }) => {
      const rows = collectBlocks(load(vault, {}));
      if (opts.json) return json(rows);
      for (const r of rows) {
        out(`${r.path}:${r.line} ${r.language} ${r.supported ? `${r.rows.length} rows` : `unsupported: ${r.reason ?? ''}`}`);
      }
      const unsupported = rows.filter((r) => !r.supported).length;
      out(`${rows.length} blocks, ${unsupported} unsupported`);
    });

  program
    .command('technique')
    .description('coverage of one technique as the side pane shows it')
    .argument('<vault>', 'vault folder')
    .argument('<id>', 'technique ID, e.g. T1059.006 or t1059_006')
    .option('--json', 'machine-readable output')
    .option('--no-rollup', 'do not roll sub-technique rules up into parents')
    .action((vault: string, raw: string, opts: { json?: boolean; rollup: boolean }) => {
      const id = parseBareId(raw.replace(/^#/, '').replace(/^attack\./i, ''));
      if (!id) throw new VaultError(`"${raw}" is not a technique ID (expected T1234 or T1234.567)`);
      const t = load(vault, { rollUp: opts.rollup }).index.technique(id);
      if (opts.json) json(t);
      else printTechnique(t);
    });

  return program;
}

export function run(argv: string[]): number {
  try {
    buildProgram().parse(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    process.stderr.write(`attack-coverage: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
}

if (require.main === module) process.exitCode = run(process.argv.slice(2));
