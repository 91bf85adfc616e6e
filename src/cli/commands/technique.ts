import type { Command } from 'commander';
import { atomicTestTotal, type TechniqueCoverage } from '../../core/coverage-index';
import { parseBareId } from '../../core/ids';
import { plural } from '../../core/words';
import { cacheOption, json, load, out, rollupOption } from '../io';
import { VaultError } from '../vault';

type RuleRow = TechniqueCoverage['rules'][number];
const ruleLine = (r: RuleRow): string => `${r.title}  [${r.status || '-'} / ${r.level || '-'} / ${[r.product, r.service, r.category].filter(Boolean).join(' ') || '-'}]  ${r.path}`;

function printTechnique(t: TechniqueCoverage): void {
  out(`${t.id} ${t.name}${t.status !== 'active' ? ` [${t.status}${t.replacement ? ` → ${t.replacement}` : ''}]` : ''}`);
  out(`  note: ${t.path ?? '(none)'}`);
  if (t.gaps.length) out(`  gaps: ${t.gaps.join('; ')}`);
  const byVendor = new Map<string, typeof t.rules>();
  for (const r of t.rules) byVendor.set(r.vendor || 'unknown', [...(byVendor.get(r.vendor || 'unknown') ?? []), r]);
  out(`  rules: ${t.rules.length}`);
  for (const [vendor, rules] of byVendor) {
    out(`    ${vendor} (${rules.length})`);
    for (const r of rules) out(`      ${ruleLine(r)}`);
  }
  // Rules filed under the ID the next ATT&CK release gives this technique (SigmaHQ already uses v19's IDs).
  if (t.successorRules.length) {
    out(`  filed under its successor ${t.successorRules[0]?.via ?? ''}: ${t.successorRules.length}`);
    for (const r of t.successorRules) out(`    ${ruleLine(r)}`);
  }
  if (t.rolledUpRules.length) {
    out(`  rolled up from sub-techniques: ${t.rolledUpRules.length}`);
    for (const r of t.rolledUpRules) out(`    ${r.via}  ${r.title}  ${r.path}`);
  }
  out(`  tests: ${t.testCount} in ${t.tests.length} notes${t.rolledUpTests.length ? ` (+${t.rolledUpTestCount} rolled up)` : ''}`);
  for (const x of [...t.tests, ...t.rolledUpTests]) out(`    ${x.via ? `${x.via}  ` : ''}${atomicTestTotal([x])} tests  ${x.path}`);
  if (t.successorTests.length) {
    out(`  tests filed under its successor ${t.successorTests[0]?.via ?? ''}: ${atomicTestTotal(t.successorTests)} in ${t.successorTests.length} notes`);
    for (const x of t.successorTests) out(`    ${atomicTestTotal([x])} tests  ${x.path}`);
  }
  // Parents also count what is filed under their sub-techniques' next-release IDs (T1070.001 → T1685.005).
  const subRules = t.counted.rules.filter((x) => x.as === 'rolled-up-successor');
  const subTests = t.counted.tests.filter((x) => x.as === 'rolled-up-successor');
  if (subRules.length) {
    out(`  rules filed under its sub-techniques' successors: ${subRules.length}`);
    for (const x of subRules) out(`    ${x.via} → ${x.filedUnder}  ${x.path}`);
  }
  if (subTests.length) {
    out(`  tests filed under its sub-techniques' successors: ${atomicTestTotal(subTests)} in ${subTests.length} notes`);
    for (const x of subTests) out(`    ${x.via} → ${x.filedUnder}  ${atomicTestTotal([x])} tests  ${x.path}`);
  }
  out(`  counted in scan, matrix and gaps: ${plural(t.counted.rules.length, 'rule')}, ${plural(atomicTestTotal(t.counted.tests), 'test')} in ${plural(t.counted.tests.length, 'note')}`);
}

export function registerTechnique(program: Command): void {
  program
    .command('technique')
    .description('coverage of one technique as the side pane shows it')
    .argument('<vault>', 'vault folder')
    .argument('<id>', 'technique ID, e.g. T1059.006 or t1059_006')
    .option('--json', 'machine-readable output')
    .addOption(rollupOption(true))
    .addOption(rollupOption(false))
    .addOption(cacheOption())
    .action((vault: string, raw: string, opts: { json?: boolean; rollup?: boolean; cache?: string | boolean }) => {
      const id = parseBareId(raw.replace(/^#/, '').replace(/^attack\./i, ''));
      if (!id) throw new VaultError(`"${raw}" is not a technique ID (expected T1234 or T1234.567)`);
      const t = load(vault, { rollUp: opts.rollup, keepSources: false, cache: opts.cache }).index.technique(id);
      if (opts.json) json(t);
      else printTechnique(t);
    });

}
