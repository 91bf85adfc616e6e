/**
 * One import, from source files to notes, shared by the CLI and the plugin. Both hand in the same two
 * adapters — the source files (read lazily) and the target folder (list, read, whole-file write) — and
 * get the same summary back. Work is cut into slices: after each item the slicer checks the clock and,
 * when a yield function is given (the plugin), gives the UI a turn once the slice is over budget.
 *
 * Steps: read and parse the source (malformed files are skipped and listed) → scan the target folder for
 * notes imported earlier → allocate paths (plan.ts) → render each note and merge it with the note on
 * disk (merge.ts) → write created and updated notes, one whole file at a time. A note that cannot be
 * made (its draft or its rendering throws) is listed as failed with its source file; the rest go on.
 */
import type { YamlParser } from '../rules';
import { findFrontmatter } from '../markdown';
import { jsonArrayElements } from './json-array';
import { mayBeGenerated, mergeNote, parseGeneratedNote, type NoteKind, type SourceKind } from './merge';
import { safeFileName } from './names';
import { basenameOf, noteNames, PathAllocator, uniqueSourceIds, type Allocation, type NoteDraft } from './plan';
import { draftFor, selectSourceFiles } from './sources';
import { DEFAULT_FOLDERS, StixCollector, techniqueDraft, versionFromFileName, type AttackImportOptions, type Folders, type StixResult } from './stix-import';

export const SOURCE_KINDS: readonly SourceKind[] = ['attack', 'sigma', 'atomic', 'elastic', 'splunk'];

export const NOTE_KIND: Record<SourceKind, NoteKind> = { attack: 'technique', sigma: 'rule', elastic: 'rule', splunk: 'rule', atomic: 'test' };

/** Why a source with no file the importer reads gives no notes. */
const NO_FILES: Record<SourceKind, string> = {
  attack: 'no .json file: expected an ATT&CK STIX bundle',
  sigma: 'no .yml or .yaml file: expected Sigma rules',
  atomic: 'no T####/T####.yaml file: expected the atomics folder of Atomic Red Team',
  elastic: 'no .toml file: expected Elastic detection-rules TOML files',
  splunk: 'no .yml or .yaml file: expected Splunk security_content detections',
};

/** A file of the source, relative to the source root (`/`-separated), read on demand. */
export interface ImportSourceFile {
  path: string;
  read(): Promise<string>;
}

/** The folder notes go into. Paths are relative to it and `/`-separated. */
export interface ImportTarget {
  /** Every file below the target folder. */
  list(): Promise<string[]>;
  /** Basenames of notes elsewhere in the vault (links resolve vault-wide), if known. */
  otherBasenames?(): Promise<string[]>;
  read(path: string): Promise<string>;
  /**
   * Replace or create the whole file. `previous` is the text the decision was based on (null: the file
   * must not exist yet); implementations refuse to write when the file no longer matches it.
   */
  write(path: string, text: string, previous: string | null): Promise<void>;
}

export type ImportPhase = 'read' | 'scan' | 'plan' | 'write';

export interface ImportProgress {
  phase: ImportPhase;
  done: number;
  total: number;
}

export interface ImportOptions {
  kind: SourceKind;
  parseYaml: YamlParser;
  /** Decide and report, write nothing. */
  dryRun?: boolean;
  folders?: Partial<Folders>;
  attack?: AttackImportOptions;
  /** Keep only these source files (after the importer's own selection); paths relative to the source root. */
  filter?: (path: string) => boolean;
  onProgress?: (p: ImportProgress) => void;
  /** Give the UI a turn (the plugin: `window.setTimeout(r, 0)`); without it the import runs straight through. */
  yieldToUi?: () => Promise<void>;
  /** Longest stretch of work between two yields, in milliseconds (default 10). */
  sliceMs?: number;
}

export interface ImportSummary {
  kind: SourceKind;
  dryRun: boolean;
  /** ATT&CK release of an imported bundle. */
  attackVersion?: string;
  /** Source files the importer read. */
  sourceFiles: number;
  /** Notes planned (created + updated + unchanged + conflicts at write time). */
  notes: number;
  created: string[];
  updated: string[];
  unchanged: string[];
  /** Left unchanged because the user edited them; the source has not changed since. */
  keptEdits: string[];
  /** Notes not written because the user edited them or a foreign note is in the way. */
  conflicts: { path: string; source: string; reason: string }[];
  /** Source files or objects not imported. */
  skipped: { source: string; reason: string }[];
  /**
   * Notes not written because writing them failed, or because making them from their source failed
   * (`source` names the source file; `path` is then the note's path, or the source file's when it failed
   * before the note had one). A note already there is as it was.
   */
  failed: { path: string; reason: string; source?: string }[];
  /**
   * Notes this importer made earlier whose item is no longer in the source (kept, not deleted). None when
   * the source gave no item at all because it could not be read, nor those whose source file was skipped
   * or failed this time.
   */
  stale: string[];
  ms: number;
  /** Longest stretch without yielding (only measured when `yieldToUi` is given). */
  longestSliceMs: number;
  yields: number;
}

const now = (): number => performance.now();

/** The `source_file` an imported note's frontmatter names (the importers write it), if any. */
function sourceFileOf(text: string, parseYaml: (s: string) => unknown): string | undefined {
  const fm = findFrontmatter(text);
  const line = fm ? /^source_file:[ \t]*(.+)$/m.exec(fm.yaml)?.[1] : undefined;
  if (!line) return undefined;
  try {
    const v = parseYaml(line);
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Cuts work into slices of at most `budget` ms (plus one item), yielding in between. */
export class Slicer {
  private start = now();
  longest = 0;
  yields = 0;

  constructor(
    private readonly yieldFn: (() => Promise<void>) | undefined,
    private readonly budget = 10,
  ) {}

  /** Call after each item: yields when the slice is over budget. */
  async tick(): Promise<void> {
    if (!this.yieldFn) return;
    const t = now();
    if (t - this.start < this.budget) return;
    this.longest = Math.max(this.longest, t - this.start);
    this.yields++;
    await this.yieldFn();
    this.start = now();
  }

  finish(): void {
    if (this.yieldFn) this.longest = Math.max(this.longest, now() - this.start);
  }
}

/** A file name as compared for the same note: made safe, composed, case folded. */
const nameKey = (name: string): string => safeFileName(name).normalize('NFC').toLowerCase();

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';

/** A note that could not be made from `source`: the failure, for `summary.failed`. */
const cannotMake = (path: string, source: string, e: unknown): ImportSummary['failed'][number] => ({
  path,
  source,
  reason: `the note could not be made from ${source} (${message(e)}); nothing written for it`,
});

export async function runImport(files: readonly ImportSourceFile[], target: ImportTarget, opts: ImportOptions): Promise<ImportSummary> {
  const t0 = now();
  const folders: Folders = { ...DEFAULT_FOLDERS, ...opts.folders };
  const slicer = new Slicer(opts.yieldToUi, opts.sliceMs ?? 10);
  const progress = (phase: ImportPhase, done: number, total: number): void => opts.onProgress?.({ phase, done, total });
  const summary: ImportSummary = {
    kind: opts.kind,
    dryRun: opts.dryRun === true,
    sourceFiles: 0,
    notes: 0,
    created: [],
    updated: [],
    unchanged: [],
    keptEdits: [],
    conflicts: [],
    skipped: [],
    failed: [],
    stale: [],
    ms: 0,
    longestSliceMs: 0,
    yields: 0,
  };

  // 1. Source → drafts.
  const byPath = new Map(files.map((f) => [f.path, f]));
  const selected = selectSourceFiles(opts.kind, [...byPath.keys()]).filter((p) => !opts.filter || opts.filter(p));
  summary.sourceFiles = selected.length;
  // A source without a single file of the kind (a wrong folder, or the wrong kind for it) imports nothing: said so.
  if (selected.length === 0) summary.skipped.push({ source: '(source)', reason: NO_FILES[opts.kind] });
  let drafts: NoteDraft[] = [];
  if (opts.kind === 'attack') {
    drafts = await attackDrafts(selected, byPath, folders, opts, summary, slicer);
  } else {
    const kind = opts.kind;
    for (let i = 0; i < selected.length; i++) {
      const path = selected[i] as string;
      let text: string;
      try {
        text = await (byPath.get(path) as ImportSourceFile).read();
      } catch (e) {
        summary.skipped.push({ source: path, reason: `cannot read: ${message(e)}` });
        continue;
      }
      // One file that breaks the importer (a bug, or a parser giving what no rule holds) is that file's
      // failure, not the import's.
      let out: ReturnType<typeof draftFor>;
      try {
        out = draftFor(kind, path, text, opts.parseYaml, folders);
      } catch (e) {
        summary.failed.push(cannotMake(path, path, e));
        continue;
      }
      if ('skip' in out) summary.skipped.push({ source: path, reason: out.skip });
      else drafts.push(out.draft);
      if ((i + 1) % 250 === 0) progress('read', i + 1, selected.length);
      await slicer.tick();
    }
    progress('read', selected.length, selected.length);
  }
  drafts = uniqueSourceIds(drafts);
  // A source that gave no item at all while something in it was skipped or failed (not a bundle, the wrong
  // folder, every file broken) says nothing about which items are gone: no note is called stale then.
  const sourceRead = drafts.length > 0 || (summary.skipped.length === 0 && summary.failed.length === 0);

  // 2. What the target folder holds: every path, and the notes imported earlier into this kind's folder.
  const paths = await target.list();
  const folder = `${folders[NOTE_KIND[opts.kind]]}/`;
  const existing = new Map<string, string>(); // path → text, for notes we made
  const owned = new Map<string, string>(); // source ID → path
  // Several notes can carry one item's marker when the user copied an imported note (Obsidian's "Make a
  // copy" names the copy "a 1", which sorts first). The one the importer keeps is an untouched one, then
  // one under a name the importer would give the item; the others are left alone as the user's.
  const rankOf = new Map<string, number>(); // source ID → rank of the note in `owned`, lower is better
  const itemNames = new Map(drafts.map((d) => [d.sourceId, new Set(d.names.map(nameKey))]));
  const rank = (sourceId: string, path: string, edited: boolean): number => (edited ? 2 : 0) + (itemNames.get(sourceId)?.has(nameKey(basenameOf(path))) ? 0 : 1);
  const unreadable = new Map<string, string>(); // path → why it could not be read
  const candidates = paths.filter((p) => p.startsWith(folder) && /\.md$/i.test(p)).sort();
  for (let i = 0; i < candidates.length; i++) {
    const path = candidates[i] as string;
    let text: string;
    try {
      text = await target.read(path);
    } catch (e) {
      unreadable.set(path, message(e));
      continue;
    }
    const note = mayBeGenerated(text) ? parseGeneratedNote(text) : null;
    const r = note ? rank(note.sourceId, path, note.edited) : 0;
    if (note && r < (rankOf.get(note.sourceId) ?? Infinity)) {
      const held = owned.get(note.sourceId);
      if (held !== undefined) existing.delete(held);
      rankOf.set(note.sourceId, r);
      owned.set(note.sourceId, path);
      existing.set(path, text);
    }
    if ((i + 1) % 500 === 0) progress('scan', i + 1, candidates.length);
    await slicer.tick();
  }
  const otherBasenames = target.otherBasenames ? await target.otherBasenames() : [];

  // 3. Paths (drafts are in claiming order).
  const allocator = new PathAllocator({ paths, otherBasenames, owned });
  const allocations: Allocation[] = [];
  for (const d of drafts) {
    const r = allocator.claim(d);
    if ('reason' in r) {
      const problem = unreadable.get(r.path);
      summary.conflicts.push({ path: r.path, source: r.sourcePath, reason: problem ? `cannot read the note (${problem}); not overwritten` : r.reason });
    }
    else allocations.push(r);
    await slicer.tick();
  }
  summary.notes = drafts.length;

  // 4. Render, merge, write.
  const names = noteNames(allocations);
  for (let i = 0; i < allocations.length; i++) {
    const { draft, path } = allocations[i] as (typeof allocations)[number];
    const before = existing.get(path) ?? null;
    let res: ReturnType<typeof mergeNote>;
    try {
      res = mergeNote(draft.source, draft.sourceId, draft.render(basenameOf(path), names), before);
    } catch (e) {
      summary.failed.push(cannotMake(path, draft.sourcePath, e));
      await slicer.tick();
      continue;
    }
    if (res.action === 'conflict') summary.conflicts.push({ path, source: draft.sourcePath, reason: res.reason ?? '' });
    else if (res.action === 'unchanged') (res.userEdited ? summary.keptEdits : summary.unchanged).push(path);
    else {
      let ok = true;
      if (!opts.dryRun) {
        try {
          await target.write(path, res.text as string, before);
        } catch (e) {
          ok = false;
          summary.failed.push({ path, reason: message(e) });
        }
      }
      if (ok) (res.action === 'create' ? summary.created : summary.updated).push(path);
    }
    if ((i + 1) % 250 === 0) progress('write', i + 1, allocations.length);
    await slicer.tick();
  }
  progress('write', allocations.length, allocations.length);

  const planned = new Set(drafts.map((d) => d.sourceId));
  // A note made from a file that was skipped or failed this time is not known to be gone (the file may only
  // be broken for now): it is not called stale, which would invite deleting it.
  const notRead = new Set([...summary.skipped.map((x) => x.source), ...summary.failed.map((x) => x.source ?? x.path)]);
  const fromNotRead = (path: string): boolean => {
    const file = notRead.size ? sourceFileOf(existing.get(path) ?? '', opts.parseYaml) : undefined;
    return file !== undefined && notRead.has(file);
  };
  if (sourceRead) for (const [id, path] of owned) if (id.startsWith(`${opts.kind}:`) && !planned.has(id) && !fromNotRead(path)) summary.stale.push(path);
  summary.stale.sort();

  slicer.finish();
  summary.longestSliceMs = Math.round(slicer.longest * 10) / 10;
  summary.yields = slicer.yields;
  summary.ms = Math.round(now() - t0);
  return summary;
}

async function attackDrafts(
  selected: string[],
  files: Map<string, ImportSourceFile>,
  folders: Folders,
  opts: ImportOptions,
  summary: ImportSummary,
  slicer: Slicer,
): Promise<NoteDraft[]> {
  if (selected.length === 0) return [];
  // One bundle at a time, and never a guess among several: the first by name would be the oldest release
  // (17.1 before 18.1), which would take every technique note back a version.
  if (selected.length > 1) {
    for (const p of selected) summary.skipped.push({ source: p, reason: `one of ${selected.length} .json files: only one ATT&CK bundle is imported at a time; give its file` });
    return [];
  }
  const path = selected[0] as string;
  let text: string;
  try {
    text = await (files.get(path) as ImportSourceFile).read();
  } catch (e) {
    summary.skipped.push({ source: path, reason: `cannot read: ${message(e)}` });
    return [];
  }
  const collector = new StixCollector();
  let n = 0;
  try {
    for (const element of jsonArrayElements(text, 'objects')) {
      collector.add(JSON.parse(element));
      if (++n % 2000 === 0) opts.onProgress?.({ phase: 'read', done: n, total: 0 });
      await slicer.tick();
    }
  } catch (e) {
    summary.skipped.push({ source: path, reason: `not a STIX bundle: ${message(e)}` });
    return [];
  }
  let result: StixResult;
  try {
    const file = path.slice(path.lastIndexOf('/') + 1);
    const steps = collector.finishSteps({ version: versionFromFileName(file), source: file });
    for (let r = steps.next(); ; r = steps.next()) {
      if (r.done) {
        result = r.value;
        break;
      }
      await slicer.tick();
    }
  } catch (e) {
    summary.skipped.push({ source: path, reason: message(e) });
    return [];
  }
  await slicer.tick();
  summary.attackVersion = result.catalog.version;
  for (const p of result.problems) summary.skipped.push({ source: `${path}: ${p.source}`, reason: p.reason });
  const drafts: NoteDraft[] = [];
  for (const t of result.techniques) {
    try {
      const d = techniqueDraft(t, result, path, folders, opts.attack);
      if (d) drafts.push(d);
    } catch (e) {
      const source = `${path}#${t.info.id}`;
      summary.failed.push(cannotMake(source, source, e));
    }
    await slicer.tick();
  }
  return drafts;
}
