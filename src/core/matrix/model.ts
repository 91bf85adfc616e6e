/**
 * The coverage matrix: the catalog's tactics in matrix order as columns, its active techniques as cells
 * (sub-techniques nested under their parent), every cell scored from the live coverage index.
 *
 * Techniques that no note mentions still get a cell (from the catalog). IDs that notes use but the
 * catalog does not place in the matrix (revoked, deprecated, unknown, or newer than the release) get a
 * cell in an extra column, so nothing a rule names is silently dropped.
 *
 * Updates are incremental: `applyChange(paths)` recomputes only the cells the changed notes touched
 * before or after the change (their techniques, the parents those roll up into, and the release's IDs a
 * next-release ID replaces), and says which cells really changed.
 */
import type { Catalog, TacticInfo, TechniqueInfo } from '../attack/catalog';
import { BLOCK_SCORES, filterRules, type RuleFilters } from '../coverage-block';
import { byPath } from '../text-order';
import { atomicTestTotal, byTitle, type CountedAs, type CountedNotes, type CoverageIndex, type RuleRef, type TechniqueStatus, type TestRef } from '../coverage-index';
import { isSubtechnique, parentOf, type TechniqueId } from '../ids';
import { compareText } from '../text-order';

/** Matrix scores (the block's `score:` values). */
export const SCORE_KINDS = BLOCK_SCORES;
export type ScoreKind = (typeof SCORE_KINDS)[number];

/** sigma-cli's `level` scoring: a rule weighs by its level; an unknown or missing level weighs 0. */
export const LEVEL_WEIGHTS: Readonly<Record<string, number>> = { informational: 1, low: 2, medium: 4, high: 8, critical: 12 };

/** Rules × tests, the two-dimensional state. */
export const COVERAGE_STATES = ['covered-tested', 'covered-untested', 'tested-undetected', 'neither'] as const;
export type CoverageState = (typeof COVERAGE_STATES)[number];

/** Numeric form of the state, for layers and sorting: neither 0 … covered and tested 3. */
export const STATE_SCORE: Readonly<Record<CoverageState, number>> = {
  neither: 0,
  'tested-undetected': 1,
  'covered-untested': 2,
  'covered-tested': 3,
};

export const STATE_LABELS: Readonly<Record<CoverageState, string>> = {
  'covered-tested': 'Covered and tested',
  'covered-untested': 'Covered, untested',
  'tested-undetected': 'Tested, undetected',
  neither: 'Neither',
};

export const SCORE_LABELS: Readonly<Record<ScoreKind, string>> = {
  rules: 'Rules',
  level: 'Level-weighted rules',
  tests: 'Tests',
  state: 'Rules × tests',
};

/** Key of the extra column holding IDs the catalog does not place in the matrix. */
export const OTHER_COLUMN = 'other';

export interface MatrixFilters extends RuleFilters {
  /** Techniques on at least one of these platforms (catalog platforms, e.g. "Windows"); empty: all. */
  platforms: string[];
  /** Tactic shortnames, IDs or names; empty: every tactic. */
  tactics: string[];
}

/** The order of a cell's rules and tests: own, rolled up, under the successor, under sub-techniques' successors. */
const COUNTED_ORDER: readonly CountedAs[] = ['own', 'rolled-up', 'successor', 'rolled-up-successor'];

export const NO_FILTERS: MatrixFilters = { status: [], level: [], vendor: [], product: [], platforms: [], tactics: [] };

export interface MatrixOptions {
  filters?: Partial<MatrixFilters>;
  /** Parents count their sub-techniques' rules and tests (default: the index's setting). */
  rollUp?: boolean;
  /** Rules filed under the next release's ID count for the technique they replace (default true). */
  successors?: boolean;
  /** Show the extra column for IDs outside the matrix (default true). */
  otherColumn?: boolean;
}

export interface MatrixCell {
  id: TechniqueId;
  name: string;
  parent: TechniqueId | null;
  /** Sub-techniques shown under this technique (catalog-active ones), in display order. */
  subtechniques: TechniqueId[];
  /** Tactic shortnames the cell appears under (empty for the extra column). */
  tactics: string[];
  platforms: string[];
  status: TechniqueStatus;
  replacement?: TechniqueId;
  /** Next-release ID this one becomes (v18 T1562.001 → v19 T1685). */
  successor?: TechniqueId;
  /** The technique note, if any. */
  notePath: string | null;
  /** Filtered rules: own, rolled up from sub-techniques (`via`), and filed under the successor ID (`via`). */
  rules: RuleRef[];
  ownRules: number;
  rolledUpRules: number;
  successorRules: number;
  levelScore: number;
  /** Test notes: own, rolled up, and filed under the successor ID (`via`). */
  tests: TestRef[];
  /** Atomic tests: `## Atomic Test #` sections, at least one per test note. */
  testCount: number;
  state: CoverageState;
  /** In a tactic column (false: the extra column). */
  inMatrix: boolean;
}

export interface MatrixColumn {
  key: string;
  tactic: TacticInfo | null;
  title: string;
  /** Top-level cells in display order (sub-techniques hang off their parent's cell). */
  techniques: TechniqueId[];
}

export interface MatrixDelta {
  /** Cells whose content changed. */
  changed: TechniqueId[];
  /** Cells appeared or disappeared (a new unknown ID, say): re-render rather than patch. */
  structural: boolean;
}

const collator = new Intl.Collator('en', { sensitivity: 'base' });
const byName = (a: { name: string; id: string }, b: { name: string; id: string }): number =>
  collator.compare(a.name, b.name) || (a.id < b.id ? -1 : 1);

export function scoreOf(cell: MatrixCell, kind: ScoreKind): number {
  switch (kind) {
    case 'rules':
      return cell.rules.length;
    case 'level':
      return cell.levelScore;
    case 'tests':
      return cell.testCount;
    case 'state':
      return STATE_SCORE[cell.state];
  }
}

export function stateOf(rules: number, tests: number): CoverageState {
  if (rules > 0) return tests > 0 ? 'covered-tested' : 'covered-untested';
  return tests > 0 ? 'tested-undetected' : 'neither';
}

/** ATT&CK's display name of a cell ("Parent: Sub"); a cell outside the catalog already carries its own. */
export function cellDisplayName(cell: MatrixCell, catalog: Catalog): string {
  return catalog.displayName(cell.id) ?? cell.name;
}

/** A cell's figures from its rules and test notes: atomic tests (at least one per note), level score, state. */
export function cellTotals(rules: readonly RuleRef[], tests: readonly TestRef[]): Pick<MatrixCell, 'testCount' | 'levelScore' | 'state'> {
  const levelScore = rules.reduce((n, r) => n + (LEVEL_WEIGHTS[r.level.toLowerCase()] ?? 0), 0);
  return { testCount: atomicTestTotal(tests), levelScore, state: stateOf(rules.length, tests.length) };
}

/** The fixed class boundaries for numeric scores: bucket n ≥ 1 holds scores ≥ bounds[n-1]. */
export const SCORE_BUCKETS: Readonly<Record<Exclude<ScoreKind, 'state'>, readonly number[]>> = {
  rules: [1, 2, 5, 10],
  level: [1, 8, 24, 60],
  tests: [1, 2, 5, 10],
};

/** 0 for a zero score, else 1–4 by the fixed boundaries (stable, so one cell changing never recolours others). */
export function bucketOf(kind: Exclude<ScoreKind, 'state'>, score: number): number {
  const bounds = SCORE_BUCKETS[kind];
  let b = 0;
  for (let i = 0; i < bounds.length; i++) if (score >= (bounds[i] as number)) b = i + 1;
  return b;
}

/** "1", "2–4", "10 or more": the range of a bucket, for legends. */
export function bucketLabel(kind: Exclude<ScoreKind, 'state'>, bucket: number): string {
  const bounds = SCORE_BUCKETS[kind];
  if (bucket === 0) return '0';
  const lo = bounds[bucket - 1] as number;
  const next = bounds[bucket];
  if (next === undefined) return `${lo} or more`;
  return next - 1 === lo ? `${lo}` : `${lo}–${next - 1}`;
}

/** Platforms of the catalog's active techniques, most common first. */
export function catalogPlatforms(catalog: Catalog): string[] {
  const counts = new Map<string, number>();
  for (const t of catalog.techniques()) for (const p of t.platforms) counts.set(p, (counts.get(p) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || compareText(a[0], b[0])).map(([p]) => p);
}

function normFilters(f: Partial<MatrixFilters> | undefined): MatrixFilters {
  const low = (xs: string[] | undefined): string[] => (xs ?? []).map((x) => x.trim().toLowerCase()).filter(Boolean);
  return {
    status: low(f?.status),
    level: low(f?.level),
    vendor: low(f?.vendor),
    product: low(f?.product),
    platforms: low(f?.platforms),
    tactics: low(f?.tactics),
  };
}

export class MatrixModel {
  readonly filters: MatrixFilters;
  readonly rollUp: boolean;
  private readonly successors: boolean;
  private readonly otherColumn: boolean;
  private readonly cells = new Map<TechniqueId, MatrixCell>();
  private readonly signatures = new Map<TechniqueId, string>();
  /** path → cells whose computation read that note: the "before" half of an update's reach. */
  private readonly pathCells = new Map<string, Set<TechniqueId>>();
  private readonly cellPaths = new Map<TechniqueId, string[]>();
  private cols: MatrixColumn[] = [];
  /** Revision of the index the model reflects. */
  revision = -1;

  constructor(
    readonly index: CoverageIndex,
    readonly catalog: Catalog,
    opts: MatrixOptions = {},
  ) {
    this.filters = normFilters(opts.filters);
    this.rollUp = opts.rollUp ?? index.roleSettings.rollUp;
    this.successors = opts.successors ?? true;
    this.otherColumn = opts.otherColumn ?? true;
    this.rebuild();
  }

  // ---- reads -------------------------------------------------------------------------------------

  columns(): readonly MatrixColumn[] {
    return this.cols;
  }

  cell(id: TechniqueId): MatrixCell | undefined {
    return this.cells.get(id);
  }

  /** Every cell (parents, sub-techniques and the extra column), each once. */
  allCells(): IterableIterator<MatrixCell> {
    return this.cells.values();
  }

  /**
   * The filtered rules and tests that count for an ID: its cell's, or for an ID without a cell (filtered
   * out of the matrix, say) the same rows computed for it alone.
   */
  countedRows(id: TechniqueId): { rules: RuleRef[]; tests: TestRef[] } {
    const cell = this.cells.get(id);
    if (cell) return cell;
    const counted = this.index.counted(id, { rollUp: this.rollUp, successors: this.successors });
    return {
      rules: COUNTED_ORDER.flatMap((as) => this.ruleRows(counted, as)),
      tests: COUNTED_ORDER.flatMap((as) => this.testRows(counted, as)),
    };
  }

  /** Cells placed in a tactic column (active techniques), each once. */
  matrixCells(): MatrixCell[] {
    return [...this.cells.values()].filter((c) => c.inMatrix);
  }

  get attackVersion(): string {
    return this.catalog.version;
  }

  /** Values present in the vault's rules, for filter menus. */
  ruleFacets(): { vendor: string[]; status: string[]; level: string[]; product: string[] } {
    const sets = { vendor: new Set<string>(), status: new Set<string>(), level: new Set<string>(), product: new Set<string>() };
    for (const n of this.index.allNotes()) {
      if (n.cls.role !== 'rule' || !n.facts.rule) continue;
      for (const k of ['vendor', 'status', 'level', 'product'] as const) {
        const v = n.facts.rule[k].toLowerCase();
        if (v) sets[k].add(v);
      }
    }
    const sorted = (s: Set<string>): string[] => [...s].sort();
    const levels = [...sets.level].sort((a, b) => (LEVEL_WEIGHTS[a] ?? 99) - (LEVEL_WEIGHTS[b] ?? 99) || compareText(a, b));
    return { vendor: sorted(sets.vendor), status: sorted(sets.status), level: levels, product: sorted(sets.product) };
  }

  /** Platforms of the catalog's active techniques, most common first. */
  platforms(): string[] {
    return catalogPlatforms(this.catalog);
  }

  // ---- build -------------------------------------------------------------------------------------

  private platformOk(t: TechniqueInfo): boolean {
    const want = this.filters.platforms;
    return want.length === 0 || t.platforms.some((p) => want.includes(p.toLowerCase()));
  }

  private tacticOk(tac: TacticInfo): boolean {
    const want = this.filters.tactics;
    return want.length === 0 || [tac.shortname, tac.id, tac.name].some((k) => want.includes(k.toLowerCase()));
  }

  /** Recompute every cell and the column layout (filters, catalog or settings changed; first build). */
  rebuild(): void {
    this.cells.clear();
    this.signatures.clear();
    this.pathCells.clear();
    this.cellPaths.clear();
    const tactics = this.catalog.tactics().filter((t) => this.tacticOk(t));
    const shown = new Set(tactics.map((t) => t.shortname));
    const parents = this.catalog.techniques({ subtechniques: false }).filter((t) => this.platformOk(t) && t.tactics.some((s) => shown.has(s)));
    const cols: MatrixColumn[] = tactics.map((tac) => ({ key: tac.shortname, tactic: tac, title: tac.name, techniques: [] }));
    const colByKey = new Map(cols.map((c) => [c.key, c]));
    for (const p of [...parents].sort(byName)) {
      const subs = this.catalog
        .subtechniques(p.id)
        .filter((s) => this.platformOk(s))
        .map((s) => ({ id: s.id, name: s.name }))
        .sort(byName)
        .map((s) => s.id);
      this.put(this.compute(p.id, { subtechniques: subs, tactics: p.tactics.filter((s) => shown.has(s)), inMatrix: true }));
      for (const s of subs) this.put(this.compute(s, { subtechniques: [], tactics: p.tactics.filter((x) => shown.has(x)), inMatrix: true }));
      for (const s of p.tactics) colByKey.get(s)?.techniques.push(p.id);
    }
    if (this.otherColumn) {
      const other: MatrixColumn = { key: OTHER_COLUMN, tactic: null, title: this.otherTitle(), techniques: [] };
      for (const id of this.outsideIds()) {
        this.put(this.compute(id, { subtechniques: [], tactics: [], inMatrix: false }));
        other.techniques.push(id);
      }
      if (other.techniques.length) cols.push(other);
    }
    this.cols = cols;
    this.revision = this.index.revision;
  }

  private otherTitle(): string {
    return this.catalog.version ? `Not in ATT&CK ${this.catalog.version}` : 'Not in the catalog';
  }

  /** IDs notes use that the catalog does not place: not active, or unknown to it. */
  private outsideIds(): TechniqueId[] {
    return this.index.techniqueIds().filter((id) => this.catalog.status(id) !== 'active' && this.outsideOk(id));
  }

  private outsideOk(id: TechniqueId): boolean {
    const t = this.catalog.get(id);
    return !t || this.filters.platforms.length === 0 || t.platforms.length === 0 || this.platformOk(t);
  }

  private put(cell: MatrixCell): void {
    this.cells.set(cell.id, cell);
    this.signatures.set(cell.id, signature(cell));
  }

  private compute(id: TechniqueId, place: { subtechniques: TechniqueId[]; tactics: string[]; inMatrix: boolean }): MatrixCell {
    const cov = this.index.technique(id, { rollUp: this.rollUp });
    // The notes every view counts for this technique (the index's one definition), as filtered rows.
    const counted = this.successors ? cov.counted : this.index.counted(id, { rollUp: this.rollUp, successors: false });
    const own = this.ruleRows(counted, 'own');
    const rolled = this.ruleRows(counted, 'rolled-up');
    const succ = this.ruleRows(counted, 'successor');
    const rolledSucc = this.ruleRows(counted, 'rolled-up-successor');
    const successor = this.catalog.remap(id)?.id;
    const rules = [...own, ...rolled, ...succ, ...rolledSucc];
    const tests = COUNTED_ORDER.flatMap((as) => this.testRows(counted, as));
    const { testCount, levelScore, state } = cellTotals(rules, tests);
    const info = this.catalog.get(id);
    const cell: MatrixCell = {
      id,
      name: info?.name ?? cov.name,
      parent: isSubtechnique(id) ? parentOf(id) : null,
      subtechniques: place.subtechniques,
      tactics: place.tactics,
      platforms: info?.platforms ?? [],
      status: cov.status,
      ...(cov.replacement ? { replacement: cov.replacement } : {}),
      ...(successor ? { successor } : {}),
      notePath: cov.path,
      rules,
      ownRules: own.length,
      rolledUpRules: rolled.length + rolledSucc.length,
      successorRules: succ.length,
      levelScore,
      tests,
      testCount,
      state,
      inMatrix: place.inMatrix,
    };
    // Remember every note read, filtered out or not: a filtered-out rule may pass after an edit.
    const paths = [...cov.notePaths, ...counted.rules.map((r) => r.path), ...counted.tests.map((t) => t.path)];
    const old = this.cellPaths.get(id);
    if (old) for (const p of old) this.pathCells.get(p)?.delete(id);
    this.cellPaths.set(id, paths);
    for (const p of paths) {
      let set = this.pathCells.get(p);
      if (!set) this.pathCells.set(p, (set = new Set()));
      set.add(id);
    }
    return cell;
  }

  /** The counted rules of one kind that pass the filters, in title order. */
  private ruleRows(counted: CountedNotes, as: CountedAs): RuleRef[] {
    const rows = counted.rules.filter((n) => n.as === as).flatMap((n) => this.index.ruleRef(n.path, n.via) ?? []);
    return filterRules(rows, this.filters).sort(byTitle);
  }

  /** The counted test notes of one kind, in path order. */
  private testRows(counted: CountedNotes, as: CountedAs): TestRef[] {
    return counted.tests.filter((n) => n.as === as).flatMap((n) => this.index.testRef(n.path, n.filedUnder, n.via) ?? []).sort(byPath);
  }

  // ---- incremental update ------------------------------------------------------------------------

  /** Cells a note reaches now: its techniques, their parents, and the IDs their next-release IDs replace. */
  private reachNow(path: string, out: Set<TechniqueId>): void {
    const n = this.index.get(path);
    if (!n) return;
    for (const id of n.cls.techniques) {
      for (const x of [id, ...this.catalog.remappedFrom(id)]) {
        out.add(x);
        if (isSubtechnique(x)) out.add(parentOf(x));
      }
    }
  }

  /**
   * Bring the model up to date after the index reported `paths` changed. Cheap: proportional to the
   * cells those notes touch. An empty list (catalog swapped) or a very long one rebuilds everything.
   */
  applyChange(paths: readonly string[], revision = this.index.revision): MatrixDelta {
    if (paths.length === 0 || paths.length > 500) {
      const before = new Map(this.signatures);
      const layout = this.layoutSignature();
      this.rebuild();
      const changed = [...this.signatures.entries()].filter(([id, s]) => before.get(id) !== s).map(([id]) => id);
      return { changed, structural: layout !== this.layoutSignature() };
    }
    const reach = new Set<TechniqueId>();
    for (const p of paths) {
      for (const id of this.pathCells.get(p) ?? []) reach.add(id);
      this.reachNow(p, reach);
    }
    const changed: TechniqueId[] = [];
    let structural = false;
    for (const id of reach) {
      const old = this.cells.get(id);
      if (!old) {
        // A new ID outside the matrix (an active catalog ID without a cell is filtered out: skip it).
        if (this.otherColumn && this.catalog.status(id) !== 'active' && this.index.namesTechnique(id) && this.outsideOk(id)) {
          structural = true;
        }
        continue;
      }
      const next = this.compute(id, { subtechniques: old.subtechniques, tactics: old.tactics, inMatrix: old.inMatrix });
      // A cell outside the matrix exists while a note names its ID (outsideIds): rolled-up rules do not keep it.
      if (!old.inMatrix && !this.index.namesTechnique(id)) structural = true;
      const sig = signature(next);
      this.cells.set(id, next);
      if (sig !== this.signatures.get(id)) {
        this.signatures.set(id, sig);
        changed.push(id);
      }
    }
    if (structural) {
      const before = new Map(this.signatures);
      this.rebuild();
      for (const [id, s] of this.signatures) if (before.get(id) !== s && !changed.includes(id)) changed.push(id);
    }
    this.revision = revision;
    return { changed, structural };
  }

  private layoutSignature(): string {
    return this.cols.map((c) => `${c.key}:${c.techniques.join(',')}`).join('|');
  }
}

/** Everything a cell shows or exports, as one comparable string. */
function signature(c: MatrixCell): string {
  return [
    c.name,
    c.status,
    c.replacement ?? '',
    c.notePath ?? '',
    c.rules.map((r) => [r.path, r.title, r.level, r.status, r.vendor, r.product, r.service, r.category, r.via ?? '', r.techniques.join(',')].join('\u0001')).join('\u0002'),
    c.tests.map((t) => `${t.path}\u0001${t.title}\u0001${t.testCount}`).join('\u0002'),
  ].join('\u0003');
}
