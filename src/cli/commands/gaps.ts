import { Option, type Command } from 'commander';
import { GAP_TITLES, gapsFromModel, gapsMarkdown, type GapReport } from '../../core/gaps';
import { json, out, outLines, parseLimit } from '../io';

const n = (count: number, one: string): string => `${count} ${one}${count === 1 ? '' : 's'}`;
import { matrixContext, matrixOptions, printComparison, type MatrixCliOptions } from './layer';

/** `notedInMatrix`: techniques in the matrix with a note; the report's count also takes in IDs outside it. */
function printGaps(r: GapReport, limit: number, notedInMatrix: number): void {
  const c = r.counts;
  const outside = c.techniqueNotes - notedInMatrix;
  out(
    `Gaps${r.attackVersion ? ` (ATT&CK ${r.attackVersion})` : ''}: ${c.catalogTechniques} techniques in the matrix, ${notedInMatrix} of them with a note` +
      (outside > 0 ? `; notes for ${n(outside, 'ID')} outside the matrix (revoked, deprecated, unknown or newer)` : ''),
  );
  out(`  whole catalog: ${c.catalogNoRules} without rules, ${c.catalogNoTests} without tests`);
  out(`  technique lists below cover ${r.scope === 'catalog' ? 'the whole catalog' : 'techniques that have a note (--all: the whole catalog)'}`);
  const list = <T>(title: string, rows: T[], line: (x: T) => string): void => {
    out('');
    out(`${title}: ${rows.length}`);
    for (const x of rows.slice(0, limit)) out(`  ${line(x)}`);
    if (rows.length > limit) out(`  … ${rows.length - limit} more (--limit, --json)`);
  };
  list(GAP_TITLES['no-rules'], r.noRules, (t) => `${t.id.padEnd(10)} ${t.name}${t.notePath ? '' : '  (no note)'}  ${n(t.tests, 'test')}`);
  list(GAP_TITLES['no-tests'], r.noTests, (t) => `${t.id.padEnd(10)} ${t.name}${t.notePath ? '' : '  (no note)'}  ${n(t.rules, 'rule')}`);
  list(GAP_TITLES['untested-rules'], r.untestedRules, (x) => `${x.techniques.join(',').padEnd(20)} ${x.title}  ${x.path}`);
  list(GAP_TITLES['undetected-tests'], r.undetectedTests, (x) => `${x.technique.padEnd(10)} ${n(x.testCount, 'test')}  ${x.path}`);
  list(GAP_TITLES.outdated, r.outdated, (x) => `${x.id.padEnd(10)} ${x.advice}  ${x.path}`);
}

export function registerGaps(program: Command): void {
  matrixOptions(
    program
      .command('gaps')
      .description('list coverage gaps: techniques without rules or tests, untested rules, undetected tests, outdated IDs')
      .argument('<vault>', 'vault folder')
      .option('--json', 'machine-readable output')
      .addOption(new Option('--markdown', 'the lists as Markdown, e.g. for a CI job summary (titles and paths as text)').conflicts('json'))
      .option('--all', 'technique lists over every active technique, not only those with a note')
      .option('--limit <n>', 'rows per list in the text and Markdown output', '25'),
  ).action((vaultDir: string, opts: MatrixCliOptions & { json?: boolean; markdown?: boolean; all?: boolean; limit: string }) => {
    // A bad --limit is a bad argument, refused before the vault is read.
    const limit = parseLimit(opts.limit);
    const ctx = matrixContext(vaultDir, opts, 'rules');
    const report = gapsFromModel(ctx.model, opts.all ? 'catalog' : 'notes');
    if (ctx.comparison) report.comparison = ctx.comparison;
    if (opts.json) return json(report);
    if (opts.markdown) return outLines(gapsMarkdown(report, { links: 'text', limit }));
    printGaps(report, limit, ctx.model.matrixCells().filter((cell) => cell.notePath !== null).length);
    if (ctx.comparison) {
      out('');
      printComparison(ctx.comparison, out);
    }
  });
}
