/**
 * The import plan: which note goes where. Pure — given the parsed source items (drafts) and what the
 * target folder already holds, it picks one path per item:
 *
 * - a note imported earlier from the same item keeps its path (even if the user renamed it);
 * - otherwise the item's preferred name, then its alternatives, then a short hash of its ID, then numbers;
 * - names are unique by basename (case-insensitively, as Obsidian resolves `[[links]]` and as Windows and
 *   macOS compare names) across technique, rule and test notes and everything already in the folder;
 * - a note the importer did not make, or a folder, is never taken over: its path is reported as a conflict;
 * - every path is checked to stay inside the target folder.
 */
import { hash64 } from './hash';
import type { NoteKind, SourceKind } from './merge';
import { safeFileName, unsafePathReason, wellFormed, withSuffix } from './names';

export interface NoteDraft {
  kind: NoteKind;
  source: SourceKind;
  /** Stable and unique within one import: `sigma:<rule id>`, `attack:T1059.006`, `atomic:T1059.006`… */
  sourceId: string;
  /** Where the item came from, relative to the source root: for reports. */
  sourcePath: string;
  /** Vault folder below the target folder, e.g. `Detection Rules`. */
  folder: string;
  /** File names without extension, best first; they are made safe here. */
  names: string[];
  /**
   * The generated note text (frontmatter and body) for the file name finally chosen: a note may link to
   * itself (atomic notes' `filename:`). Called once per planned note, after paths are allocated; `noteName`
   * gives the file name (without extension) allocated to another item of the import, by source ID.
   */
  render: (basename: string, noteName?: (sourceId: string) => string | undefined) => string;
  /** Lower claims names first (SigmaHQ `rules/` before `deprecated/`). */
  priority: number;
}

export interface Allocation {
  draft: NoteDraft;
  /** Relative to the target folder, `/`-separated, always `.md`. */
  path: string;
}

export interface PlannedNote {
  /** Relative to the target folder, `/`-separated, always `.md`. */
  path: string;
  content: string;
  kind: NoteKind;
  source: SourceKind;
  sourceId: string;
  sourcePath: string;
}

export interface PlanConflict {
  path: string;
  sourcePath: string;
  reason: string;
}

export interface TargetState {
  /** Every file under the target folder, relative to it. */
  paths: readonly string[];
  /** Basenames (without `.md`) of notes elsewhere in the vault that `[[links]]` could also resolve to. */
  otherBasenames?: readonly string[];
  /** Notes imported earlier: source ID → path relative to the target folder. */
  owned: ReadonlyMap<string, string>;
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Drafts in claiming order: priority, then source path, then ID. */
export function sortDrafts<T extends Pick<NoteDraft, 'priority' | 'sourcePath' | 'sourceId'>>(drafts: readonly T[]): T[] {
  return [...drafts].sort((a, b) => a.priority - b.priority || byText(a.sourcePath, b.sourcePath) || byText(a.sourceId, b.sourceId));
}

/**
 * Make source IDs unique: the first item (in claiming order) keeps its ID, later ones with the same ID
 * fall back to `<source>:path:<source path>`. IDs are made well-formed first (the marker holds them
 * URI-encoded, and notes hold them as UTF-8). Returns the drafts in claiming order.
 */
export function uniqueSourceIds(drafts: readonly NoteDraft[]): NoteDraft[] {
  const seen = new Set<string>();
  const out: NoteDraft[] = [];
  for (const d of sortDrafts(drafts)) {
    let id = wellFormed(d.sourceId);
    if (seen.has(id)) id = `${d.source}:path:${d.sourcePath}`;
    for (let n = 2; seen.has(id); n++) id = `${d.source}:path:${d.sourcePath}#${n}`;
    seen.add(id);
    out.push(id === d.sourceId ? d : { ...d, sourceId: id });
  }
  return out;
}

const basenameKey = (path: string): string => path.slice(path.lastIndexOf('/') + 1).replace(/\.md$/i, '').normalize('NFC').toLowerCase();
const pathKey = (path: string): string => path.normalize('NFC').toLowerCase();

/** The file name part of a planned path, without `.md`. */
export const basenameOf = (path: string): string => path.slice(path.lastIndexOf('/') + 1).replace(/\.md$/i, '');

/** The whole plan in one call: paths allocated, every note rendered. */
export function planNotes(drafts: readonly NoteDraft[], state: TargetState): { planned: PlannedNote[]; conflicts: PlanConflict[] } {
  const { allocations, conflicts } = allocatePaths(drafts, state);
  const names = noteNames(allocations);
  return { planned: allocations.map((a) => renderAllocation(a, names)), conflicts };
}

/** The file name (without `.md`) allocated to each source ID, for links between the notes of one import. */
export function noteNames(allocations: readonly Allocation[]): (sourceId: string) => string | undefined {
  const names = new Map(allocations.map((a) => [a.draft.sourceId, basenameOf(a.path)]));
  return (sourceId) => names.get(sourceId);
}

export function renderAllocation({ draft: d, path }: Allocation, names?: (sourceId: string) => string | undefined): PlannedNote {
  return { path, content: d.render(basenameOf(path), names), kind: d.kind, source: d.source, sourceId: d.sourceId, sourcePath: d.sourcePath };
}

export function allocatePaths(drafts: readonly NoteDraft[], state: TargetState): { allocations: Allocation[]; conflicts: PlanConflict[] } {
  const allocator = new PathAllocator(state);
  const allocations: Allocation[] = [];
  const conflicts: PlanConflict[] = [];
  for (const d of sortDrafts(drafts)) {
    const r = allocator.claim(d);
    if ('reason' in r) conflicts.push(r);
    else allocations.push(r);
  }
  return { allocations, conflicts };
}

/**
 * The allocation one draft at a time (so that a caller can yield between drafts); drafts must come in
 * claiming order (`sortDrafts`) for the result to be deterministic.
 */
export class PathAllocator {
  private readonly ownedPaths: Set<string>;
  private readonly takenNames: Set<string>;
  private readonly existingPaths = new Set<string>();
  /** Folders that hold a listed file: a note cannot be written where a folder is. */
  private readonly folders = new Set<string>();
  private readonly claimed = new Set<string>();

  constructor(private readonly state: TargetState) {
    this.ownedPaths = new Set([...state.owned.values()].map(pathKey));
    // Every basename already used by a Markdown file, and every path, whoever made it.
    this.takenNames = new Set<string>((state.otherBasenames ?? []).map((b) => b.normalize('NFC').toLowerCase()));
    for (const p of state.paths) {
      this.existingPaths.add(pathKey(p));
      if (/\.md$/i.test(p)) this.takenNames.add(basenameKey(p));
      for (let at = p.indexOf('/'); at > 0; at = p.indexOf('/', at + 1)) this.folders.add(pathKey(p.slice(0, at)));
    }
  }

  claim(d: NoteDraft): Allocation | PlanConflict {
    const folderReason = unsafePathReason(d.folder);
    if (folderReason) return { path: d.folder, sourcePath: d.sourcePath, reason: `unsafe folder: ${folderReason}` };
    const previous = this.state.owned.get(d.sourceId);
    if (previous !== undefined && !unsafePathReason(previous) && !this.claimed.has(pathKey(previous))) {
      this.claimed.add(pathKey(previous));
      return { draft: d, path: previous };
    }
    let path: string | null = null;
    let firstName = '';
    for (const name of candidates(d)) {
      const p = `${d.folder}/${name}.md`;
      const key = pathKey(p);
      const isFirst = !firstName;
      firstName ||= name;
      if (this.claimed.has(key)) continue;
      if (this.folders.has(key)) {
        if (isFirst) {
          this.claimed.add(key);
          return { path: p, sourcePath: d.sourcePath, reason: 'a folder is at this path; not overwritten' };
        }
        continue;
      }
      if (this.existingPaths.has(key)) {
        // Someone else's note at our preferred path: report it rather than hide our note under another
        // name. Later items that prefer the same name move on to their alternatives.
        if (!this.ownedPaths.has(key) && isFirst) {
          this.claimed.add(key);
          return { path: p, sourcePath: d.sourcePath, reason: 'a note the importer did not make (or whose import marker was removed) is at this path; not overwritten' };
        }
        continue;
      }
      if (this.takenNames.has(basenameKey(p))) continue;
      path = p;
      break;
    }
    // Only reachable with thousands of clashing names.
    if (!path) return { path: `${d.folder}/${firstName}.md`, sourcePath: d.sourcePath, reason: 'no free file name' };
    const reason = unsafePathReason(path);
    if (reason) return { path, sourcePath: d.sourcePath, reason: `unsafe path: ${reason}` };
    this.claimed.add(pathKey(path));
    this.takenNames.add(basenameKey(path));
    return { draft: d, path };
  }
}

/** Preferred names, then `name (hash of the source ID)`, then `name (hash) 2`… — all safe, lazily. */
function* candidates(d: NoteDraft): Generator<string> {
  const base = d.names.length ? d.names : [d.sourceId];
  const seen = new Set<string>();
  for (const n of base) {
    const name = safeFileName(n);
    if (!seen.has(name)) yield name;
    seen.add(name);
  }
  const tagged = withSuffix(safeFileName(base[0] as string), ` (${hash64(d.sourceId).slice(0, 6)})`);
  yield tagged;
  for (let n = 2; n < 10_000; n++) yield withSuffix(tagged, ` ${n}`);
}
