import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { gapsFromModel } from '../../core/gaps';
import { SCORE_KINDS } from '../../core/matrix';
import { renderReport, serializeReport, type ReportInput } from '../../ui/report';
import { out, outputFile } from '../io';
import { VaultError } from '../vault';
import { matrixContext, matrixOptions, parseScore, writeOutput, type MatrixCliOptions } from './layer';

/** The package folder (holding styles.css), from the source tree (tests) or from dist/ (the built CLI). */
function packageRoot(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'styles.css'))) return dir;
    if (dirname(dir) === dir) return process.cwd();
  }
}

/** The plugin's stylesheet (styles.css), inlined into the report so it looks as it does in Obsidian. */
export function pluginCss(): string {
  const file = join(packageRoot(), 'styles.css');
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

export function registerReport(program: Command): void {
  matrixOptions(
    program
      .command('report')
      .description('write a self-contained HTML report: matrix, technique table and gaps')
      .argument('<vault>', 'vault folder')
      .requiredOption('-o, --output <file>', 'the HTML file to write', outputFile)
      .option('--score <kind>', `matrix colouring: ${SCORE_KINDS.join(', ')}`, 'state')
      .option('--title <title>', 'page title'),
    { links: true },
  ).action(async (vaultDir: string, opts: MatrixCliOptions & { output: string; title?: string }) => {
    await writeReport(vaultDir, opts);
  });
}

/**
 * The report as one HTML string, rendered on a linkedom document. linkedom is loaded on first use: only
 * this command needs it, and nothing else pays for loading it.
 */
export async function buildReportHtml(r: ReportInput): Promise<string> {
  const { parseHTML } = await import('linkedom');
  const { document } = parseHTML('<!DOCTYPE html><html><head></head><body></body></html>');
  renderReport(document, r);
  return serializeReport(document);
}

/** Reads the vault and writes the report file. */
export async function writeReport(vaultDir: string, opts: MatrixCliOptions & { output: string; title?: string }): Promise<void> {
  const score = parseScore(opts.score, 'state');
  const ctx = matrixContext(vaultDir, opts, score);
  const css = pluginCss();
  if (!css.includes('.acm-matrix')) throw new VaultError('cannot find the plugin styles (styles.css) next to the CLI');
  const gaps = gapsFromModel(ctx.model, 'notes');
  const html = await buildReportHtml({
    model: ctx.model,
    gaps,
    score,
    css,
    vaultName: ctx.vaultName,
    generated: new Date().toISOString().slice(0, 10),
    overlay: ctx.overlay,
    ...(ctx.comparison ? { comparison: ctx.comparison } : {}),
    notes: ctx.vault.index.size,
    attribution: ctx.model.catalog.data.copyright,
    ...(opts.title ? { title: opts.title } : {}),
  });
  if (!writeOutput(opts.output, html)) return;
  const cells = ctx.model.matrixCells();
  out(`Wrote ${opts.output}: ${cells.length} techniques (${cells.filter((c) => c.rules.length).length} with rules), ${gaps.counts.outdated} outdated IDs, ${(html.length / 1024).toFixed(0)} KiB`);
}
