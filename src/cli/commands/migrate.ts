import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { planConversion, summarise, type ConversionPlan, type PlannedBlock } from '../../core/convert';
import { json, load, out, setExitStatus } from '../io';
import { listNotes } from '../vault';
import { NotUtf8Error, readSnapshot, replaceFileAtomic, type FileSnapshot } from '../write-file';

export type NoteStatus = 'unchanged' | 'would-change' | 'written' | 'skipped' | 'failed';

export interface NoteMigration {
  path: string;
  status: NoteStatus;
  /** Why a note was skipped or failed. */
  message?: string;
  blocks: PlannedBlock[];
}

export interface MigrationReport {
  write: boolean;
  notes: NoteMigration[];
  counts: { notes: number; blocks: number; unsupported: number; written: number; skipped: number; failed: number };
}

export interface MigrateOptions {
  write: boolean;
  /** Test hooks, to change files at the moments a concurrent editor could. */
  hooks?: {
    /** After a note was read and planned, before it is written. */
    afterPlan?: (path: string) => void;
    /** After a note's new text is in its temporary file, just before the last check and the rename. */
    beforeCommit?: (path: string) => void;
  };
}

/** Writes one note's plan, made from `snapshot`; the note must still be exactly that snapshot. */
function apply(snapshot: FileSnapshot, path: string, plan: ConversionPlan, opts: MigrateOptions): Pick<NoteMigration, 'status' | 'message'> {
  const hook = opts.hooks?.beforeCommit;
  const outcome = replaceFileAtomic(snapshot, plan.result, hook ? { beforeCommit: () => hook(path) } : {});
  if (!outcome.ok) return { status: outcome.reason === 'changed' ? 'skipped' : 'failed', message: outcome.message };
  // Read back: the note holds the planned text (unless an editor already wrote again).
  let back: string;
  try {
    back = readSnapshot(snapshot.path).text;
  } catch (e) {
    return { status: 'failed', message: `written, but cannot be read back: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (back !== plan.result) return { status: 'failed', message: 'written, but the note read back differs (changed again on disk?)' };
  return { status: 'written' };
}

/**
 * Plans every note of the vault and, with `write`, applies each note's change as one atomic write. Each
 * note is planned from the very read (text, size, time) that the write later checks against, so an edit
 * made after that read is never overwritten.
 */
export function migrateVault(root: string, opts: MigrateOptions): MigrationReport {
  const { index } = load(root, {});
  const hints = index.roleSettings;
  const notes: NoteMigration[] = [];
  const plans: ConversionPlan[] = [];
  for (const path of listNotes(root)) {
    const file = join(root, path);
    let snapshot: FileSnapshot | null = null;
    let text: string;
    try {
      snapshot = readSnapshot(file);
      text = snapshot.text;
    } catch (e) {
      if (!(e instanceof NotUtf8Error)) continue; // unreadable: the scan reports it; nothing to convert here
      text = readFileSync(file, 'utf8'); // for the report only: this note is never written
    }
    const plan = planConversion(text, { index, path, hints });
    if (!plan.blocks.length) continue;
    plans.push(plan);
    const entry = (status: NoteStatus, message?: string): NoteMigration => ({ path, status, ...(message ? { message } : {}), blocks: plan.blocks });
    if (!plan.changed) notes.push(entry('unchanged'));
    else if (!snapshot) notes.push(entry('skipped', 'the note is not valid UTF-8; left as it is'));
    else if (!opts.write) notes.push(entry('would-change'));
    else {
      opts.hooks?.afterPlan?.(path);
      const r = apply(snapshot, path, plan, opts);
      notes.push(entry(r.status, r.message));
    }
  }
  const count = (s: NoteStatus): number => notes.filter((n) => n.status === s).length;
  return {
    write: opts.write,
    notes,
    counts: { ...summarise(plans), written: count('written'), skipped: count('skipped'), failed: count('failed') },
  };
}

function indent(block: string, mark: string): string[] {
  return block.split(/\r?\n/).map((l) => `    ${mark} ${l}`);
}

function printText(r: MigrationReport): void {
  for (const n of r.notes) {
    for (const b of n.blocks) {
      if (b.after === null) {
        out(`${n.path}:${b.line} ${b.language} left as it is: ${b.reason ?? ''}`);
        continue;
      }
      out(`${n.path}:${b.line} ${b.language} -> attack-coverage (${b.technique ?? ''} ${b.section ?? ''})`);
      for (const l of ['  before:', ...indent(b.before, '-'), '  after:', ...indent(b.after, '+')]) out(l);
    }
    if (n.status === 'skipped' || n.status === 'failed') out(`${n.path}: ${n.status === 'skipped' ? 'skipped' : 'FAILED'}: ${n.message ?? ''}`);
  }
  const { notes, blocks, unsupported, written, skipped, failed } = r.counts;
  const left = unsupported === 1 ? '1 block left as it is' : `${unsupported} blocks left as they are`;
  if (!r.write) {
    out(`${notes} notes, ${blocks} blocks would be converted; ${left}.`);
    out('Dry run: nothing was written. Add --write to apply.');
  } else {
    out(`${written} notes written (${blocks} blocks planned in ${notes} notes); ${left}.`);
    if (skipped || failed) out(`${skipped} notes skipped, ${failed} failed; see above.`);
  }
}

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('convert the dataview and query blocks that list one technique\'s rules or tests into attack-coverage blocks (dry run unless --write)')
    .argument('<vault>', 'vault folder')
    .option('--write', 'apply the changes (each note is one atomic write; notes changed meanwhile are skipped)')
    .option('--json', 'machine-readable output')
    .action((vault: string, opts: { write?: boolean; json?: boolean }) => {
      const report = migrateVault(vault, { write: !!opts.write });
      if (opts.json) json(report);
      else printText(report);
      // Notes left unwritten are a failed run (1), as failed writes are for import; 2 is for bad arguments.
      const notWritten = report.counts.skipped + report.counts.failed;
      if (opts.write && notWritten) {
        process.stderr.write(`attack-coverage: ${notWritten} note${notWritten === 1 ? ' was' : 's were'} not written; see the report\n`);
        setExitStatus(1);
      }
    });
}
