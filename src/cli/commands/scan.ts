import { readFileSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { githubAnnotations } from '../../core/annotations';
import { BaselineError, parseBaseline, runChecks, type Baseline, type CheckOptions, type CheckResult } from '../../core/checks';
import { percentOf, scanReport, scanSummary, type ScanSummary } from '../../core/report';
import { scanMarkdown } from '../../core/scan-markdown';
import { plural } from '../../core/words';
import { VaultError } from '../vault';
import { cacheOption, json, load, out, outLines, rollupOption, setExitStatus } from '../io';

function printScan(r: ScanSummary): void {
  const c = r.counts;
  out(`Vault ${r.vault}${r.attackVersion ? ` (ATT&CK ${r.attackVersion})` : ''}`);
  out(`  notes           ${c.notes}`);
  out(`  technique notes ${c.techniques}`);
  out(`  rule notes      ${c.rules}`);
  out(`  test notes      ${c.tests}`);
  out('');
  out(`Techniques with rules        ${c.techniquesWithRules} (${percentOf(c.techniquesWithRules, c.techniques)})`);
  out(`Techniques with tests        ${c.techniquesWithTests} (${percentOf(c.techniquesWithTests, c.techniques)})`);
  out(`Techniques with both         ${c.techniquesWithBoth} (${percentOf(c.techniquesWithBoth, c.techniques)})`);
  out(`Techniques with neither      ${c.techniquesWithNeither} (${percentOf(c.techniquesWithNeither, c.techniques)})`);
  if (r.mostCovered.length) {
    out('');
    out('Most covered:');
    for (const t of r.mostCovered) {
      const more = `+${t.rolledUpRules} rolled up${t.successorRules ? `, +${t.successorRules} under successor IDs` : ''}`;
      out(`  ${t.id.padEnd(10)} ${String(t.rules).padStart(4)} rules (${more}) ${String(t.testCount).padStart(3)} tests  ${t.name}`);
    }
  }
  const errors = r.diagnostics.filter((d) => d.severity !== 'info');
  if (r.diagnostics.length) {
    out('');
    out(`Diagnostics: ${plural(errors.length, 'problem')}, ${plural(r.diagnostics.length - errors.length, 'note')} of information (see --json)`);
    for (const d of errors.slice(0, 20)) out(`  ${d.severity.padEnd(7)} ${d.path}: ${d.message}`);
    if (errors.length > 20) out(`  … ${errors.length - 20} more`);
  }
}

/** The vault's folder as seen from the current one, `/`-separated and ending in `/` ('' for the current folder). */
function pathFromCwd(vault: string): string {
  const rel = relative(process.cwd(), resolve(vault)).split(sep).join('/');
  return rel ? `${rel}/` : '';
}

function percent(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 100) throw new InvalidArgumentError('a percentage from 0 to 100');
  return n;
}

function readBaseline(file: string): Baseline {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new VaultError(`cannot read baseline "${file}": ${e instanceof Error ? e.message.replace(/^[A-Z]+: /, '') : String(e)}`);
  }
  try {
    return parseBaseline(text);
  } catch (e) {
    throw new VaultError(`baseline "${file}": ${e instanceof BaselineError ? e.message : String(e)}`);
  }
}

function printChecks(r: CheckResult): void {
  out('');
  out(r.failures.length ? `Checks: ${r.failures.length} failed` : 'Checks: all passed');
  for (const f of r.failures) out(`  failed  ${f}`);
  for (const n of r.notes) out(`  note    ${n}`);
}

interface ScanOptions {
  json?: boolean;
  markdown?: boolean;
  annotations?: boolean;
  rollup?: boolean;
  minWithRules?: number;
  minWithTests?: number;
  failOn?: CheckOptions['failOn'];
  baseline?: string;
  cache?: string | boolean;
}

export function registerScan(program: Command): void {
  program
    .command('scan')
    .description('summarise coverage: techniques with and without rules and tests, and diagnostics')
    .argument('<vault>', 'vault folder')
    .option('--json', 'machine-readable output')
    .addOption(new Option('--markdown', 'the summary as Markdown, e.g. for a CI job summary').conflicts('json'))
    .addOption(
      new Option('--annotations', 'also print warnings and errors as GitHub Actions annotations on the notes (paths from the current folder)').conflicts([
        'json',
        'markdown',
      ]),
    )
    .addOption(rollupOption(true))
    .addOption(rollupOption(false))
    .addOption(cacheOption())
    .option('--min-with-rules <percent>', 'check: fail (exit 1) when fewer technique notes have rules', percent)
    .option('--min-with-tests <percent>', 'check: fail (exit 1) when fewer technique notes have tests', percent)
    .addOption(new Option('--fail-on <severity>', 'check: fail (exit 1) on any diagnostic this severe or worse').choices(['error', 'warning']))
    .option('--baseline <scan.json>', 'check: fail (exit 1) when a technique that had rules or tests in this earlier "scan --json" has none now')
    .action((vault: string, opts: ScanOptions) => {
      // Read the baseline first: a bad one is a bad argument, reported before the vault is read.
      const baseline = opts.baseline === undefined ? undefined : readBaseline(opts.baseline);
      const { index } = load(vault, { rollUp: opts.rollup, keepSources: false, cache: opts.cache });
      const options: CheckOptions = {
        ...(opts.minWithRules !== undefined ? { minWithRules: opts.minWithRules } : {}),
        ...(opts.minWithTests !== undefined ? { minWithTests: opts.minWithTests } : {}),
        ...(opts.failOn ? { failOn: opts.failOn } : {}),
        ...(baseline ? { baseline } : {}),
      };
      const check = (scan: Parameters<typeof runChecks>[1]): CheckResult | null => {
        if (!Object.keys(options).length) return null;
        const result = runChecks(index, scan, options);
        if (result.failures.length) setExitStatus(1);
        return result;
      };
      if (opts.json) {
        const report = scanReport(index, vault);
        const checks = check(report);
        json(checks ? { ...report, checks } : report);
      } else {
        // The text and Markdown outputs need counts only; building every technique's sorted lists is for --json.
        const summary = scanSummary(index, vault);
        const checks = check(summary);
        if (opts.markdown) outLines(scanMarkdown(summary, checks));
        else {
          printScan(summary);
          if (checks) printChecks(checks);
          if (opts.annotations) for (const line of githubAnnotations(summary.diagnostics, { prefix: pathFromCwd(vault) })) out(line);
        }
      }
    });
}
