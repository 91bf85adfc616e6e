import { readFileSync, realpathSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import { defaultCatalog } from '../../core/attack/catalog';
import { compareWithLayer, comparisonSummary, unmatchedLine, exportLayer, LayerError, overlayCatalog, parseLayerFile, validateLayer, type Comparison, type LayerOverlay } from '../../core/layers';
import { catalogPlatforms, MatrixModel, SCORE_KINDS, type MatrixFilters, type ScoreKind } from '../../core/matrix';
import { cacheOption, json, load, out, outputFile, rollupOption, visible } from '../io';
import { VaultError, type LoadedVault } from '../vault';
import { reasonOf } from '../walk';
import { writeFileAtomic } from '../write-file';

/** Options the layer, gaps and report commands share. */
export interface MatrixCliOptions {
  score?: string;
  overlay?: string;
  vaultName?: string;
  rollup?: boolean;
  platform?: string[];
  vendor?: string[];
  status?: string[];
  level?: string[];
  product?: string[];
  cache?: string | boolean;
}

const collect = (v: string, prev: string[] = []): string[] => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)];

/**
 * `--platform`, `--vendor`, `--status`, `--level`, `--product`, `--overlay`, `--rollup` / `--no-rollup`, `--cache`;
 * with `links` (outputs that link to notes: the layer and the report), `--vault-name`.
 */
export function matrixOptions(cmd: Command, opts: { links?: boolean } = {}): Command {
  cmd.option('--overlay <layer.json>', 'compare with a Navigator layer (Sigma heat map, Atomic Red Team, a threat actor…)');
  if (opts.links) cmd.option('--vault-name <name>', 'Obsidian vault name for obsidian:// links (default: the folder name)');
  return cmd
    .option('--platform <name>', 'only techniques on this platform (repeatable or comma-separated)', collect)
    .option('--vendor <name>', 'only rules from this vendor (sigma, elastic, splunk…)', collect)
    .option('--status <status>', 'only rules with this status', collect)
    .option('--level <level>', 'only rules with this level', collect)
    .option('--product <product>', 'only rules for this log source product', collect)
    .addOption(rollupOption(true))
    .addOption(rollupOption(false))
    .addOption(cacheOption());
}

export function parseScore(raw: string | undefined, fallback: ScoreKind): ScoreKind {
  if (raw === undefined) return fallback;
  const s = raw.toLowerCase();
  if ((SCORE_KINDS as readonly string[]).includes(s)) return s as ScoreKind;
  throw new VaultError(`--score must be one of ${SCORE_KINDS.join(', ')} (got "${raw}")`);
}

export function filtersOf(o: MatrixCliOptions): Partial<MatrixFilters> {
  // Platforms are the catalog's, a closed list: a misspelt one would empty the matrix without a word.
  const known = catalogPlatforms(defaultCatalog());
  const unknown = (o.platform ?? []).filter((p) => !known.some((k) => k.toLowerCase() === p.toLowerCase()));
  if (unknown.length) throw new VaultError(`unknown --platform ${unknown.map((p) => `"${p}"`).join(', ')} (expected ${known.join(', ')})`);
  return { platforms: o.platform ?? [], vendor: o.vendor ?? [], status: o.status ?? [], level: o.level ?? [], product: o.product ?? [] };
}

export function readOverlay(file: string): LayerOverlay {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new VaultError(`cannot read layer file "${file}"`);
  }
  try {
    return parseLayerFile(text, overlayCatalog(defaultCatalog()));
  } catch (e) {
    if (e instanceof LayerError) throw new VaultError(`${file}: ${e.message}`);
    throw e;
  }
}

export interface MatrixContext {
  vault: LoadedVault;
  model: MatrixModel;
  vaultName: string;
  overlay: LayerOverlay | null;
  comparison?: Comparison;
}

/** Reads the vault, builds the matrix with the command's filters and reads the overlay, if any. */
export function matrixContext(vaultDir: string, o: MatrixCliOptions, score: ScoreKind): MatrixContext {
  const filters = filtersOf(o);
  const overlay = o.overlay ? readOverlay(o.overlay) : null;
  // The matrix needs facts only, so notes are not kept (and `--cache` can stand in for reading them).
  const vault = load(vaultDir, { rollUp: o.rollup, keepSources: false, cache: o.cache });
  // Roll-up as the index has it: --rollup or --no-rollup, else the plugin's saved setting, as scan and technique count.
  const model = new MatrixModel(vault.index, defaultCatalog(), { filters });
  const vaultName = o.vaultName ?? basename(resolve(vaultDir));
  return { vault, model, vaultName, overlay, ...(overlay ? { comparison: compareWithLayer(model, overlay, score) } : {}) };
}

/**
 * Write an output file whole: a temporary file beside it, renamed into place, so a failed write (disk
 * full, quota) leaves the previous file as it was. A link keeps pointing where it did (its target is
 * replaced), and an existing file keeps its permissions. A one-line reason when it cannot be written.
 * Returns false when `file` is a device or a pipe (`-o /dev/stdout`), written as a stream: then the
 * command's "Wrote …" line would land in the output itself, so it is left out.
 */
export function writeOutput(file: string, text: string): boolean {
  try {
    let st: Stats | undefined;
    try {
      st = statSync(file);
    } catch {
      // a new file
    }
    if (st && !st.isFile() && !st.isDirectory()) {
      writeFileSync(file, text); // there is no file to replace
      return false;
    }
    writeFileAtomic(st ? realpathSync(file) : file, Buffer.from(text, 'utf8'), st ? st.mode & 0o7777 : undefined);
    return true;
  } catch (e) {
    throw new VaultError(`cannot write "${file}": ${reasonOf(e)}`);
  }
}

export function printComparison(c: Comparison, write: (s: string) => void): void {
  write(comparisonSummary(c));
  for (const r of c.undetected.slice(0, 30)) write(`  undetected  ${r.id.padEnd(10)} ${r.name}${r.layerScore !== undefined ? `  (layer score ${r.layerScore})` : ''}`);
  if (c.undetected.length > 30) write(`  … ${c.undetected.length - 30} more (see --json)`);
  if (c.unmatched.length) write(`  not in the matrix: ${unmatchedLine(c, ' (see --json)')}`);
  for (const p of c.problems) write(`  layer file: ${p}`);
}

export function registerLayer(program: Command): void {
  matrixOptions(
    program
      .command('layer')
      .description('export the coverage matrix as an ATT&CK Navigator layer (format 4.5)')
      .argument('<vault>', 'vault folder')
      .option('-o, --output <file>', 'write the layer here (default: stdout)', outputFile)
      .option('--score <kind>', `cell score: ${SCORE_KINDS.join(', ')}`, 'rules')
      .option('--name <name>', 'layer name'),
    { links: true },
  ).action((vaultDir: string, opts: MatrixCliOptions & { output?: string; name?: string }) => {
    const score = parseScore(opts.score, 'rules');
    const ctx = matrixContext(vaultDir, opts, score);
    const layer = exportLayer(ctx.model, { score, vaultName: ctx.vaultName, overlay: ctx.overlay, ...(opts.name ? { name: opts.name } : {}) });
    // Our own output must meet the spec; a failure here is a bug, said plainly rather than written out.
    const check = validateLayer(layer);
    if (check.errors.length) throw new Error(`the exported layer breaks the 4.5 spec: ${check.errors.slice(0, 3).join('; ')}`);
    const text = JSON.stringify(layer, null, 2) + '\n';
    const log = (s: string): void => void process.stderr.write(`${visible(s)}\n`);
    if (opts.output && writeOutput(opts.output, text)) {
      out(`Wrote ${opts.output}: ${layer.techniques?.length ?? 0} technique entries, score ${score}, ATT&CK ${ctx.model.attackVersion}`);
      if (ctx.comparison) printComparison(ctx.comparison, out);
    } else {
      // The layer went to stdout (or a device or pipe such as -o /dev/stdout): nothing else may join it there.
      if (!opts.output) json(layer);
      if (ctx.comparison) printComparison(ctx.comparison, log);
    }
  });
}
