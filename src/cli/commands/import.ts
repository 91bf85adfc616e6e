import type { Command } from 'commander';
import { runImport, SOURCE_KINDS, type ImportSummary } from '../../core/import/run';
import type { SourceKind } from '../../core/import/merge';
import type { BlockStyle } from '../../core/import/stix-import';
import { FsTarget, sourceFiles } from '../import-fs';
import { json, out, setExitStatus, visible } from '../io';
import { parseYamlCore } from '../yaml';

export interface ImportCliOptions {
  dryRun?: boolean;
  json?: boolean;
  blocks?: string;
}

const BLOCKS: readonly BlockStyle[] = ['coverage', 'dataview', 'query'];
const LIST_LIMIT = 50;

function printList(title: string, rows: string[]): void {
  if (!rows.length) return;
  out(`${title}:`);
  for (const r of rows.slice(0, LIST_LIMIT)) out(`  ${r}`);
  if (rows.length > LIST_LIMIT) out(`  … ${rows.length - LIST_LIMIT} more (see --json)`);
}

export function printImportSummary(s: ImportSummary, source: string, folder: string): void {
  const would = s.dryRun ? ' (dry run: nothing written)' : '';
  out(`Import ${s.kind}${s.attackVersion ? ` (ATT&CK ${s.attackVersion})` : ''}: ${source} → ${folder}${would}`);
  out(`  source files ${String(s.sourceFiles).padStart(6)}`);
  out(`  created      ${String(s.created.length).padStart(6)}`);
  out(`  updated      ${String(s.updated.length).padStart(6)}`);
  out(`  unchanged    ${String(s.unchanged.length).padStart(6)}`);
  out(`  kept edits   ${String(s.keptEdits.length).padStart(6)}  (edited by you; their source has not changed)`);
  out(`  conflicts    ${String(s.conflicts.length).padStart(6)}  (not written: edited by you, or a note the importer did not make is in the way)`);
  out(`  skipped      ${String(s.skipped.length).padStart(6)}  (source items not imported)`);
  out(`  stale        ${String(s.stale.length).padStart(6)}  (imported earlier, no longer in this source; kept)`);
  if (s.failed.length) out(`  failed       ${String(s.failed.length).padStart(6)}`);
  out(`  time         ${(s.ms / 1000).toFixed(2)} s`);
  printList('Skipped', s.skipped.map((x) => `${x.source}: ${x.reason}`));
  printList('Conflicts', s.conflicts.map((x) => `${x.path}: ${x.reason}`));
  printList('Failed', s.failed.map((x) => `${x.path}: ${x.reason}`));
  printList('Stale', s.stale);
}

/** The command's work; resolves to the exit code (0 done, 1 nothing importable, or notes failed: a write, or making one). */
export async function importCommand(kind: string, source: string, folder: string, opts: ImportCliOptions = {}): Promise<number> {
  if (!SOURCE_KINDS.includes(kind as SourceKind)) throw new Error(`unknown import kind "${kind}" (expected ${SOURCE_KINDS.join(', ')})`);
  if (opts.blocks !== undefined && !BLOCKS.includes(opts.blocks as BlockStyle)) {
    throw new Error(`unknown block style "${opts.blocks}" (expected ${BLOCKS.join(', ')})`);
  }
  // Only technique notes carry coverage blocks: said for another kind, it would be silently ignored.
  if (opts.blocks !== undefined && kind !== 'attack') throw new Error(`--blocks applies to "import attack" only (the technique notes), not to "import ${kind}"`);
  const files = sourceFiles(source, (rel, reason) => {
    process.stderr.write(`attack-coverage: ${visible(`cannot read source folder "${rel}" (${reason}); the files in it are left out`)}\n`);
  });
  const target = new FsTarget(folder);
  const label = { read: 'reading source', scan: 'scanning target', plan: 'planning', write: 'writing notes' } as const;
  const summary = await runImport(files, target, {
    kind: kind as SourceKind,
    parseYaml: parseYamlCore,
    dryRun: opts.dryRun === true,
    attack: { blocks: (opts.blocks as BlockStyle | undefined) ?? 'coverage' },
    onProgress: (p) => process.stderr.write(`import ${kind}: ${label[p.phase]} ${p.done}${p.total ? `/${p.total}` : ''}\n`),
  });
  if (opts.json) json(summary);
  else printImportSummary(summary, source, folder);
  const nothing = summary.notes === 0 && summary.skipped.length > 0;
  return summary.failed.length > 0 || nothing ? 1 : 0;
}

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('import ATT&CK, Sigma, Atomic Red Team, Elastic or Splunk content as notes (re-import updates them, keeping your edits)')
    .argument('<kind>', `what to import: ${SOURCE_KINDS.join(' | ')}`)
    .argument('<source>', 'source file or folder (a STIX bundle, a SigmaHQ checkout or rules folder, atomics/, …)')
    .argument('<vault-folder>', 'folder to import into (the vault or a folder in it)')
    .option('--dry-run', 'report what would change, write nothing')
    .option('--json', 'machine-readable summary')
    .option('--blocks <style>', 'coverage blocks in technique notes (import attack): coverage | dataview | query (default: coverage)')
    .action(async (kind: string, source: string, folder: string, opts: ImportCliOptions) => {
      const code = await importCommand(kind, source, folder, opts);
      if (code) setExitStatus(code);
    });
}
