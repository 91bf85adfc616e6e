/**
 * `scan --markdown`: the scan summary (and the checks, if any ran) as GitHub-flavoured Markdown, for CI
 * job summaries and pull-request comments. Note titles, paths and messages are untrusted and go through
 * escapeMarkdown, so a note cannot add a link, an image, markup or a table cell to the page.
 */
import type { CheckResult } from './checks';
import { escapeMarkdown } from './markdown/escape';
import { percentOf, type ScanSummary } from './report';

function table(header: string[], align: Array<'l' | 'r'>, rows: string[][]): string[] {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(align.map((a) => (a === 'r' ? '---:' : '---'))), ...rows.map(line)];
}

/** Rows of diagnostics listed before the rest is only counted. */
const DIAGNOSTIC_ROWS = 20;

export function scanMarkdown(r: ScanSummary, checks: CheckResult | null = null): string {
  const c = r.counts;
  const out: string[] = [`## ATT&CK coverage: ${escapeMarkdown(r.vault)}${r.attackVersion ? ` (ATT&CK ${r.attackVersion})` : ''}`, ''];
  out.push(...table(['Notes', 'Technique notes', 'Rule notes', 'Test notes'], ['r', 'r', 'r', 'r'], [[c.notes, c.techniques, c.rules, c.tests].map(String)]), '');
  out.push(
    ...table(
      ['Technique notes', 'Count', 'Share'],
      ['l', 'r', 'r'],
      [
        ['with rules', String(c.techniquesWithRules), percentOf(c.techniquesWithRules, c.techniques)],
        ['with tests', String(c.techniquesWithTests), percentOf(c.techniquesWithTests, c.techniques)],
        ['with both', String(c.techniquesWithBoth), percentOf(c.techniquesWithBoth, c.techniques)],
        ['with neither', String(c.techniquesWithNeither), percentOf(c.techniquesWithNeither, c.techniques)],
      ],
    ),
    '',
  );
  if (checks) {
    out.push(`### Checks: ${checks.failures.length ? `${checks.failures.length} failed` : 'all passed'}`, '');
    for (const f of checks.failures) out.push(`- **Failed:** ${escapeMarkdown(f)}`);
    for (const n of checks.notes) out.push(`- Note: ${escapeMarkdown(n)}`);
    if (checks.failures.length || checks.notes.length) out.push('');
  }
  if (r.mostCovered.length) {
    out.push('### Most covered', '');
    out.push(
      ...table(
        ['Technique', 'Rules', 'Rolled up', 'Under successor IDs', 'Tests'],
        ['l', 'r', 'r', 'r', 'r'],
        // IDs are normalised (T1234 or T1234.567); names may come from notes.
        r.mostCovered.map((t) => [`${t.id} ${escapeMarkdown(t.name)}`, String(t.rules), String(t.rolledUpRules), String(t.successorRules), String(t.testCount)]),
      ),
      '',
    );
  }
  const problems = r.diagnostics.filter((d) => d.severity !== 'info');
  if (r.diagnostics.length) {
    const listed = problems.slice(0, DIAGNOSTIC_ROWS);
    out.push('### Diagnostics', '');
    out.push(`${problems.length} problems, ${r.diagnostics.length - problems.length} notes of information${problems.length > listed.length ? `; the first ${listed.length} problems below, all of them in \`--json\`` : ''}.`, '');
    if (listed.length) out.push(...table(['Severity', 'Note', 'Message'], ['l', 'l', 'l'], listed.map((d) => [d.severity, escapeMarkdown(d.path), escapeMarkdown(d.message)])), '');
  }
  return out.join('\n');
}
