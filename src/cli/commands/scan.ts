import type { Command } from 'commander';
import { scanReport, scanSummary, type ScanSummary } from '../../core/report';
import { json, load, out } from '../io';

function pct(n: number, of: number): string {
  return of ? `${Math.round((100 * n) / of)}%` : '-';
}

function printScan(r: ScanSummary): void {
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
  if (r.mostCovered.length) {
    out('');
    out('Most covered:');
    for (const t of r.mostCovered) out(`  ${t.id.padEnd(10)} ${String(t.rules).padStart(4)} rules (+${t.rolledUpRules} rolled up) ${String(t.testCount).padStart(3)} tests  ${t.name}`);
  }
  const errors = r.diagnostics.filter((d) => d.severity !== 'info');
  if (r.diagnostics.length) {
    out('');
    out(`Diagnostics: ${errors.length} problems, ${r.diagnostics.length - errors.length} notes of information (see --json)`);
    for (const d of errors.slice(0, 20)) out(`  ${d.severity.padEnd(7)} ${d.path}: ${d.message}`);
    if (errors.length > 20) out(`  … ${errors.length - 20} more`);
  }
}

export function registerScan(program: Command): void {
  program
    .command('scan')
    .description('summarise coverage: techniques with and without rules and tests, and diagnostics')
    .argument('<vault>', 'vault folder')
    .option('--json', 'machine-readable output')
    .option('--no-rollup', 'do not roll sub-technique rules up into parents')
    .action((vault: string, opts: { json?: boolean; rollup: boolean }) => {
      const { index } = load(vault, { rollUp: opts.rollup, keepSources: false });
      // The text output needs counts only; building every technique's sorted lists is for --json.
      if (opts.json) json(scanReport(index, vault));
      else printScan(scanSummary(index, vault));
    });

}
