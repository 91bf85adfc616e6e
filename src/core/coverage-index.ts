/**
 * The live coverage index: technique ↔ rule ↔ test links kept up to date one note at a time.
 *
 * Every mutation (upsert, remove, rename) touches only the entries of the note concerned plus the
 * reverse maps for the techniques and tags it names, so its cost is proportional to that note.
 * Readers (side pane, blocks, CLI) ask for a technique's coverage, which is assembled on demand.
 */
import { classify, type Classification, type Role } from './classify';
import { compareIds, isSubtechnique, parentOf, type TechniqueId } from './ids';
import type { IndexMetadata, NoteSource } from './metadata';
import { analyzeNote, rebaseFacts, type AnalyzeEnv, type Diagnostic, type NoteFacts } from './note';
import type { RuleMeta } from './rules';
import { compileRoles, DEFAULT_SETTINGS, type CompiledRoles, type EngineSettings } from './settings';
import { byPath, compareText } from './text-order';

/** `newer`: not in the catalog's release but a known next-release ID (a v18 → v19 remap target). */
export type TechniqueStatus = 'active' | 'deprecated' | 'revoked' | 'unknown' | 'newer';

/** What the engine needs from the ATT&CK catalog; `attack/catalog.ts` provides it. */
export interface TechniqueCatalog {
  readonly version: string;
  displayName(id: TechniqueId): string | undefined;
  status(id: TechniqueId): Exclude<TechniqueStatus, 'newer'>;
  replacement(id: TechniqueId): TechniqueId | undefined;
  subtechniqueIds(parent: TechniqueId): TechniqueId[];
  /** Next-release remap of an ID of this release (v18 T1562.001 → v19 T1685), with the target's name. */
  remap?(id: TechniqueId): { id: TechniqueId; name: string } | undefined;
  /** The IDs of this release that a next-release ID replaces. */
  remappedFrom?(id: TechniqueId): TechniqueId[];
  /** A next-release technique this release does not have, with its version and display name there. */
  nextRelease?(id: TechniqueId): { version: string; name: string } | undefined;
}

/**
 * Why an ID newer than the catalog's release is not in it, for diagnostics and gap lists alike:
 * `in ATT&CK 19.1 ("Windows Host Firewall"), newer than ATT&CK 18.1; it replaces T1562.004`.
 */
export function newerThanCatalog(catalog: TechniqueCatalog, id: TechniqueId): string {
  const next = catalog.nextRelease?.(id);
  const from = catalog.remappedFrom?.(id) ?? [];
  const release = catalog.version ? `ATT&CK ${catalog.version}` : 'the catalog';
  return `${next ? `in ATT&CK ${next.version} ("${next.name}"), ` : ''}newer than ${release}${from.length ? `; it replaces ${from.join(', ')}` : ''}`;
}

/** A catalog that knows nothing: every ID is "unknown" but still indexed. */
export const EMPTY_CATALOG: TechniqueCatalog = {
  version: '',
  displayName: () => undefined,
  status: () => 'unknown',
  replacement: () => undefined,
  subtechniqueIds: () => [],
};

export interface IndexedNote {
  facts: NoteFacts;
  cls: Classification;
}

/** A rule as coverage lists it: its normalised metadata plus where it lives and what it names. */
export interface RuleRef extends RuleMeta {
  path: string;
  /** Set on rolled-up rows: the sub-technique the rule names. */
  via?: TechniqueId;
}

export interface TestRef {
  path: string;
  title: string;
  technique: TechniqueId;
  testCount: number;
  via?: TechniqueId;
}

interface CoverageMembers {
  rules: string[];
  tests: string[];
  rolledUpRules: Array<[string, TechniqueId]>;
  rolledUpTests: Array<[string, TechniqueId]>;
}

/** How a rule or test note counts for a technique (see `CoverageIndex.counted`). */
export type CountedAs = 'own' | 'rolled-up' | 'successor' | 'rolled-up-successor';

/** A rule or test note that counts for a technique. */
export interface CountedNote {
  path: string;
  as: CountedAs;
  /** The ID the note is filed under: the technique, one of its sub-techniques, or a next-release ID. */
  filedUnder: TechniqueId;
  /** Unset for own notes; the sub-technique for rolled-up ones, the successor ID for successor ones. */
  via?: TechniqueId;
}

/** A note that counts because it is filed under a next-release ID (the technique's own or a sub-technique's). */
export const fromSuccessor = (n: CountedNote): boolean => n.as === 'successor' || n.as === 'rolled-up-successor';

/** A test note that counts for a technique, with its `## Atomic Test` sections. */
export interface CountedTest extends CountedNote {
  testCount: number;
}

/** The rule and test notes that count for a technique in every view, each once. */
export interface CountedNotes {
  rules: CountedNote[];
  tests: CountedTest[];
}

/**
 * Atomic tests in some test notes: their `## Atomic Test` sections, and at least one per note (a test
 * note written without those sections is still a test). Every total of tests goes through here.
 */
export function atomicTestTotal(tests: Iterable<{ testCount: number }>): number {
  let n = 0;
  for (const t of tests) n += Math.max(1, t.testCount);
  return n;
}

export interface TechniqueCoverage {
  id: TechniqueId;
  name: string;
  status: TechniqueStatus;
  replacement?: TechniqueId;
  /** The technique's note (first by path when several describe the same ID). */
  path: string | null;
  notePaths: string[];
  rules: RuleRef[];
  rolledUpRules: RuleRef[];
  tests: TestRef[];
  rolledUpTests: TestRef[];
  testCount: number;
  rolledUpTestCount: number;
  /** Rules filed under the next release's ID for this technique (SigmaHQ already uses v19 IDs). */
  successorRules: RuleRef[];
  /** Test notes filed under the next release's ID for this technique (Atomic Red Team already uses v19 IDs). */
  successorTests: TestRef[];
  /**
   * What the counts and views (scan, matrix, gaps) take for this technique, each note once: its own
   * notes, rolled-up ones, and those filed under the next release's ID for it or for a sub-technique.
   */
  counted: CountedNotes;
  /** Plain-language gaps: "no rules", "no tests", "only experimental rules", "revoked → T1685". */
  gaps: string[];
}

export interface IndexChange {
  revision: number;
  paths: string[];
}

type Listener = (change: IndexChange) => void;

interface Bucket {
  techniqueNotes: Set<string>;
  rules: Set<string>;
  tests: Set<string>;
}

export interface IndexOptions {
  settings?: EngineSettings;
  catalog?: TechniqueCatalog;
  env: AnalyzeEnv;
}

/** Tag and its parents, lower-cased: `a/b/c` → `a`, `a/b`, `a/b/c` (a query for `#a` matches `#a/b`). */
function tagKeys(tags: readonly string[]): Set<string> {
  const keys = new Set<string>();
  for (const t of tags) {
    if (!t.includes('/')) {
      keys.add(t.toLowerCase());
      continue;
    }
    const parts = t.toLowerCase().split('/');
    for (let i = 1; i <= parts.length; i++) keys.add(parts.slice(0, i).join('/'));
  }
  return keys;
}

function addTo<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(value);
}

function removeFrom<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key);
  if (set && set.delete(value) && set.size === 0) map.delete(key);
}


const COUNTED_RANK: Readonly<Record<CountedAs, number>> = { own: 0, 'rolled-up': 1, successor: 2, 'rolled-up-successor': 3 };
const byKindAndPath = (a: CountedNote, b: CountedNote): number => COUNTED_RANK[a.as] - COUNTED_RANK[b.as] || byPath(a, b);

export class CoverageIndex {
  private readonly notes = new Map<string, IndexedNote>();
  private readonly buckets = new Map<TechniqueId, Bucket>();
  /** parent → sub-techniques that some note names, for roll-up without scanning. */
  private readonly children = new Map<TechniqueId, Set<TechniqueId>>();
  /**
   * Tag → notes, under Obsidian's and Dataview's readings. Only queries need them, so they are built on
   * the first query and kept up to date from then on; indexing a vault never pays for them otherwise.
   */
  private tagMaps: { obsidian: Map<string, Set<string>>; dataview: Map<string, Set<string>> } | null = null;
  private readonly ruleIds = new Map<string, Set<string>>();
  private readonly listeners = new Set<Listener>();
  private settings: EngineSettings;
  private roles: CompiledRoles;
  /** Roles compiled for other settings than the index's own (roleWithoutBody during a settings change). */
  private otherRoles?: { settings: EngineSettings; roles: CompiledRoles };
  private catalog: TechniqueCatalog;
  private readonly env: AnalyzeEnv;
  revision = 0;

  constructor(opts: IndexOptions) {
    this.settings = opts.settings ?? DEFAULT_SETTINGS;
    this.roles = compileRoles(this.settings);
    this.catalog = opts.catalog ?? EMPTY_CATALOG;
    this.env = opts.env;
  }

  // ---- mutations -------------------------------------------------------------------------------

  /** Analyse and (re)index one note. */
  upsert(source: NoteSource<IndexMetadata>): IndexedNote {
    return this.upsertFacts(analyzeNote(source, this.env));
  }

  /** Index facts already analysed (the benchmark's "from records" path, and rename). */
  upsertFacts(facts: NoteFacts, notify = true): IndexedNote {
    this.detach(facts.path);
    const entry: IndexedNote = { facts, cls: classify(facts, this.roles) };
    this.attach(entry);
    if (notify) this.touch([facts.path]);
    return entry;
  }

  /** Many notes at once with a single change event (initial load). */
  upsertAll(sources: Iterable<NoteSource<IndexMetadata>>): void {
    const paths: string[] = [];
    for (const s of sources) {
      this.upsertFacts(analyzeNote(s, this.env), false);
      paths.push(s.path);
    }
    this.touch(paths);
  }

  remove(path: string): boolean {
    const had = this.detach(path);
    if (had) this.touch([path]);
    return had;
  }

  /** Re-key a note; its role may change with its folder and its ID with its file name. */
  rename(oldPath: string, newPath: string): boolean {
    const old = this.notes.get(oldPath);
    if (!old) return false;
    this.detach(oldPath);
    this.detach(newPath);
    const facts = rebaseFacts(old.facts, newPath);
    this.attach({ facts, cls: classify(facts, this.roles) });
    this.touch([oldPath, newPath]);
    return true;
  }

  clear(): void {
    const paths = [...this.notes.keys()];
    for (const p of paths) this.detach(p);
    this.touch(paths);
  }

  /**
   * The role a note gets from its metadata alone, without its body, under `settings` (default: the
   * index's own). A body can only add a rule found in it, which never outranks a technique folder or tag
   * (classify.ts): the plugin skips reading the body of a note this calls a technique.
   */
  roleWithoutBody(source: Pick<NoteSource<IndexMetadata>, 'path' | 'cache'>, settings?: EngineSettings): Role {
    let roles = this.roles;
    if (settings && settings !== this.settings) {
      // Asked note after note with the same earlier settings (a settings change): compile them once.
      if (this.otherRoles?.settings !== settings) this.otherRoles = { settings, roles: compileRoles(settings) };
      roles = this.otherRoles.roles;
    }
    return classify(analyzeNote({ path: source.path, cache: source.cache }, this.env), roles).role;
  }

  /** New role settings re-classify every note (no re-reading: facts do not depend on settings). */
  setSettings(settings: EngineSettings): void {
    this.settings = settings;
    this.roles = compileRoles(settings);
    const all = [...this.notes.values()].map((n) => n.facts);
    for (const f of all) this.upsertFacts(f, false);
    this.touch(all.map((f) => f.path));
  }

  setCatalog(catalog: TechniqueCatalog): void {
    this.catalog = catalog;
    this.touch([]);
  }

  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private touch(paths: string[]): void {
    this.revision += 1;
    const change = { revision: this.revision, paths };
    for (const l of this.listeners) l(change);
  }

  private bucket(id: TechniqueId): Bucket {
    let b = this.buckets.get(id);
    if (!b) {
      b = { techniqueNotes: new Set(), rules: new Set(), tests: new Set() };
      this.buckets.set(id, b);
      if (isSubtechnique(id)) addTo(this.children, parentOf(id), id);
    }
    return b;
  }

  private attach(entry: IndexedNote): void {
    const { facts, cls } = entry;
    this.notes.set(facts.path, entry);
    for (const id of cls.techniques) {
      const b = this.bucket(id);
      if (cls.role === 'technique') b.techniqueNotes.add(facts.path);
      else if (cls.role === 'rule') b.rules.add(facts.path);
      else if (cls.role === 'test') b.tests.add(facts.path);
    }
    if (this.tagMaps) this.addTags(this.tagMaps, facts);
    if (cls.role === 'rule' && facts.rule?.ruleId) addTo(this.ruleIds, facts.rule.ruleId.toLowerCase(), facts.path);
  }

  private addTags(maps: NonNullable<CoverageIndex['tagMaps']>, facts: NoteFacts): void {
    for (const k of tagKeys(facts.tags)) addTo(maps.obsidian, k, facts.path);
    for (const k of tagKeys(facts.dataviewTags)) addTo(maps.dataview, k, facts.path);
  }

  private detach(path: string): boolean {
    const entry = this.notes.get(path);
    if (!entry) return false;
    const { facts, cls } = entry;
    this.notes.delete(path);
    for (const id of cls.techniques) {
      const b = this.buckets.get(id);
      if (!b) continue;
      b.techniqueNotes.delete(path);
      b.rules.delete(path);
      b.tests.delete(path);
      if (b.techniqueNotes.size + b.rules.size + b.tests.size === 0) {
        this.buckets.delete(id);
        if (isSubtechnique(id)) removeFrom(this.children, parentOf(id), id);
      }
    }
    if (this.tagMaps) {
      for (const k of tagKeys(facts.tags)) removeFrom(this.tagMaps.obsidian, k, path);
      for (const k of tagKeys(facts.dataviewTags)) removeFrom(this.tagMaps.dataview, k, path);
    }
    if (facts.rule?.ruleId) removeFrom(this.ruleIds, facts.rule.ruleId.toLowerCase(), path);
    return true;
  }

  // ---- reads -----------------------------------------------------------------------------------

  get size(): number {
    return this.notes.size;
  }

  get(path: string): IndexedNote | undefined {
    return this.notes.get(path);
  }

  allNotes(): IterableIterator<IndexedNote> {
    return this.notes.values();
  }

  /** The role settings in force (folders and tags), e.g. to translate queries into coverage blocks. */
  get roleSettings(): Readonly<EngineSettings> {
    return this.settings;
  }

  get catalogVersion(): string {
    return this.catalog.version;
  }

  /** Notes carrying a tag or one of its sub-tags, under Obsidian's or Dataview's reading. */
  notesWithTag(tag: string, semantics: 'obsidian' | 'dataview'): ReadonlySet<string> {
    if (!this.tagMaps) {
      const maps = { obsidian: new Map<string, Set<string>>(), dataview: new Map<string, Set<string>>() };
      for (const n of this.notes.values()) this.addTags(maps, n.facts);
      this.tagMaps = maps;
    }
    const map = semantics === 'obsidian' ? this.tagMaps.obsidian : this.tagMaps.dataview;
    return map.get(tag.replace(/^#/, '').toLowerCase()) ?? new Set();
  }

  /** Every technique ID some note describes, names or tests, in ID order. */
  techniqueIds(): TechniqueId[] {
    return [...this.buckets.keys()].sort(compareIds);
  }

  /** Whether some note names `id` (one of `techniqueIds()`), without listing them all. */
  namesTechnique(id: TechniqueId): boolean {
    return this.buckets.has(id);
  }

  /** Techniques that have a technique note. */
  techniqueNoteIds(): TechniqueId[] {
    return [...this.buckets.entries()].filter(([, b]) => b.techniqueNotes.size > 0).map(([id]) => id).sort(compareIds);
  }

  ruleRef(path: string, via?: TechniqueId): RuleRef | undefined {
    const n = this.notes.get(path);
    if (!n || n.cls.role !== 'rule') return undefined;
    const r = n.facts.rule;
    return {
      title: n.facts.title,
      vendor: r?.vendor ?? '',
      status: r?.status ?? '',
      level: r?.level ?? '',
      product: r?.product ?? '',
      service: r?.service ?? '',
      category: r?.category ?? '',
      ruleId: r?.ruleId ?? '',
      path,
      techniques: [...n.cls.techniques],
      ...(via ? { via } : {}),
    };
  }

  testRef(path: string, technique: TechniqueId, via?: TechniqueId): TestRef | undefined {
    const n = this.notes.get(path);
    if (!n || n.cls.role !== 'test') return undefined;
    return { path, title: n.facts.title, technique, testCount: n.facts.atomicTests, ...(via ? { via } : {}) };
  }

  /** Sub-techniques to roll up: those the catalog knows plus those any note names. */
  private subtechniquesOf(id: TechniqueId): TechniqueId[] {
    if (isSubtechnique(id)) return [];
    const subs = new Set(this.catalog.subtechniqueIds(id));
    for (const s of this.children.get(id) ?? []) subs.add(s);
    return [...subs].sort(compareIds);
  }

  /** The notes `technique(id)` lists, before they become rows: rule and test paths, rolled-up ones with their sub-technique. */
  private members(id: TechniqueId, rollUp: boolean): CoverageMembers {
    const b = this.buckets.get(id);
    const has = (p: string, role: 'rule' | 'test'): boolean => this.notes.get(p)?.cls.role === role;
    const rules = b ? [...b.rules].filter((p) => has(p, 'rule')) : [];
    const tests = b ? [...b.tests].filter((p) => has(p, 'test')) : [];
    const rolledUpRules: Array<[string, TechniqueId]> = [];
    const rolledUpTests: Array<[string, TechniqueId]> = [];
    if (rollUp) {
      const seenRules = new Set(rules);
      for (const sub of this.subtechniquesOf(id)) {
        const sb = this.buckets.get(sub);
        if (!sb) continue;
        for (const p of sb.rules) {
          if (seenRules.has(p)) continue;
          seenRules.add(p);
          if (has(p, 'rule')) rolledUpRules.push([p, sub]);
        }
        for (const p of sb.tests) if (has(p, 'test')) rolledUpTests.push([p, sub]);
      }
    }
    return { rules, tests, rolledUpRules, rolledUpTests };
  }

  /**
   * The rule and test notes that count for a technique: the one definition behind every count and view
   * (scan summary, checks, matrix, gaps, technique text). They are its own notes; with roll-up, its
   * sub-techniques'; and unless `successors` is false, those filed under the next release's ID for it or
   * (rolling up) for one of its active sub-techniques, since SigmaHQ and Atomic Red Team already file
   * under v19 IDs (v18 T1562.001's rules under T1685). Each note once, the first way it counts, in that
   * order; within a kind, by path (unless `sorted` is false, for callers that only count them).
   */
  counted(id: TechniqueId, opts: { rollUp?: boolean; successors?: boolean; sorted?: boolean } = {}): CountedNotes {
    const rollUp = opts.rollUp ?? this.settings.rollUp;
    return this.countedFrom(id, this.members(id, rollUp), rollUp, opts);
  }

  /** `counted` from members already gathered (`technique` has them). */
  private countedFrom(id: TechniqueId, m: CoverageMembers, rollUp: boolean, opts: { successors?: boolean; sorted?: boolean }): CountedNotes {
    const rules: CountedNote[] = [];
    const tests: CountedTest[] = [];
    const seenRules = new Set<string>();
    const seenTests = new Set<string>();
    const addRule = (path: string, as: CountedAs, filedUnder: TechniqueId, via?: TechniqueId): void => {
      if (seenRules.has(path)) return;
      seenRules.add(path);
      rules.push({ path, as, filedUnder, ...(via ? { via } : {}) });
    };
    const addTest = (path: string, as: CountedAs, filedUnder: TechniqueId, via?: TechniqueId): void => {
      if (seenTests.has(path)) return;
      seenTests.add(path);
      tests.push({ path, as, filedUnder, ...(via ? { via } : {}), testCount: this.notes.get(path)?.facts.atomicTests ?? 0 });
    };
    for (const p of m.rules) addRule(p, 'own', id);
    for (const [p, sub] of m.rolledUpRules) addRule(p, 'rolled-up', sub, sub);
    for (const p of m.tests) addTest(p, 'own', id);
    for (const [p, sub] of m.rolledUpTests) addTest(p, 'rolled-up', sub, sub);
    if (opts.successors ?? true) {
      const filedUnderSuccessor = (of: TechniqueId, as: CountedAs, via?: TechniqueId): void => {
        const next = this.catalog.remap?.(of)?.id;
        const b = next ? this.buckets.get(next) : undefined;
        if (!next || !b) return;
        for (const p of b.rules) if (this.notes.get(p)?.cls.role === 'rule') addRule(p, as, next, via ?? next);
        for (const p of b.tests) if (this.notes.get(p)?.cls.role === 'test') addTest(p, as, next, via ?? next);
      };
      filedUnderSuccessor(id, 'successor');
      if (rollUp && !isSubtechnique(id)) for (const sub of this.catalog.subtechniqueIds(id)) filedUnderSuccessor(sub, 'rolled-up-successor', sub);
    }
    return opts.sorted === false ? { rules, tests } : { rules: rules.sort(byKindAndPath), tests: tests.sort(byKindAndPath) };
  }

  technique(id: TechniqueId, opts: { rollUp?: boolean } = {}): TechniqueCoverage {
    const rollUp = opts.rollUp ?? this.settings.rollUp;
    const m = this.members(id, rollUp);
    const notePaths = [...(this.buckets.get(id)?.techniqueNotes ?? [])].sort();
    const rules = m.rules.map((p) => this.ruleRef(p) as RuleRef).sort(byTitle);
    const tests = m.tests.map((p) => this.testRef(p, id) as TestRef).sort(byPath);
    const rolledUpRules = m.rolledUpRules.map(([p, sub]) => this.ruleRef(p, sub) as RuleRef).sort(byTitle);
    const rolledUpTests = m.rolledUpTests.map(([p, sub]) => this.testRef(p, sub, sub) as TestRef).sort(byPath);
    const status = this.statusOf(id);
    const replacement = this.catalog.replacement(id);
    const successor = this.catalog.remap?.(id)?.id;
    const successorRules = successor
      ? [...(this.buckets.get(successor)?.rules ?? [])].map((p) => this.ruleRef(p, successor)).filter((r): r is RuleRef => !!r).sort(byTitle)
      : [];
    const successorTests = successor
      ? [...(this.buckets.get(successor)?.tests ?? [])].map((p) => this.testRef(p, successor, successor)).filter((t): t is TestRef => !!t).sort(byPath)
      : [];
    const testCount = atomicTestTotal(tests);
    const rolledUpTestCount = atomicTestTotal(rolledUpTests);
    const cov: TechniqueCoverage = {
      id,
      name: this.techniqueName(id, notePaths),
      status,
      ...(replacement ? { replacement } : {}),
      path: notePaths[0] ?? null,
      notePaths,
      rules,
      rolledUpRules,
      tests,
      rolledUpTests,
      testCount,
      rolledUpTestCount,
      successorRules,
      successorTests,
      counted: this.countedFrom(id, m, rollUp, {}),
      gaps: [],
    };
    cov.gaps = gapsOf(cov);
    return cov;
  }

  /** The catalog's status, with next-release IDs recognised rather than called unknown. */
  statusOf(id: TechniqueId): TechniqueStatus {
    const s = this.catalog.status(id);
    if (s !== 'unknown') return s;
    return (this.catalog.remappedFrom?.(id).length ?? 0) > 0 || this.catalog.nextRelease?.(id) ? 'newer' : s;
  }

  /** The name `technique(id)` gives, without building its rows: the catalog's, else its note's. */
  techniqueName(id: TechniqueId, notePaths: readonly string[] = [...(this.buckets.get(id)?.techniqueNotes ?? [])].sort()): string {
    return this.catalogName(id) ?? this.nameFromNotes(notePaths) ?? '';
  }

  private catalogName(id: TechniqueId): string | undefined {
    const own = this.catalog.displayName(id);
    if (own) return own;
    const next = this.catalog.nextRelease?.(id)?.name;
    if (next) return next;
    const from = this.catalog.remappedFrom?.(id)[0];
    return from ? this.catalog.remap?.(from)?.name : undefined;
  }

  private nameFromNotes(paths: readonly string[]): string | undefined {
    const first = paths[0] ? this.notes.get(paths[0]) : undefined;
    if (!first) return undefined;
    // `T1059.006 - Command and Scripting Interpreter- Python` → the part after the ID.
    return first.facts.basename.replace(/^T\d{4}(?:\.\d{3})?\s*-\s*/i, '').replace(/\s-\sT\d{4}(?:\.\d{3})?$/i, '');
  }

  /** Per-note problems plus those only visible across notes. */
  diagnostics(): Diagnostic[] {
    const out: Diagnostic[] = [];
    for (const n of this.notes.values()) {
      out.push(...n.facts.diagnostics);
      if (n.cls.reason) out.push({ path: n.facts.path, severity: 'info', message: n.cls.reason });
      if (n.cls.role === 'rule' && n.cls.techniques.length === 0) {
        out.push({ path: n.facts.path, severity: 'info', message: 'rule names no ATT&CK technique' });
      }
      if (n.cls.role === 'other' || !this.catalog.version) continue;
      for (const id of n.cls.techniques) {
        const status = this.statusOf(id);
        if (status === 'active') continue;
        const version = `ATT&CK ${this.catalog.version}`;
        if (status === 'newer') {
          out.push({ path: n.facts.path, severity: 'info', message: `${id} is ${newerThanCatalog(this.catalog, id)}` });
          continue;
        }
        const repl = this.catalog.replacement(id);
        const what = status === 'unknown' ? `is not in ${version}` : `is ${status} in ${version}`;
        out.push({ path: n.facts.path, severity: 'warning', message: `${id} ${what}${repl ? `; use ${repl}` : ''}` });
      }
    }
    for (const [ruleId, paths] of this.ruleIds) {
      if (paths.size < 2) continue;
      const sorted = [...paths].sort();
      for (const p of sorted) {
        out.push({ path: p, severity: 'warning', message: `rule ID ${ruleId} is also used by ${sorted.filter((q) => q !== p).join(', ')}` });
      }
    }
    for (const [id, b] of this.buckets) {
      if (b.techniqueNotes.size < 2) continue;
      const sorted = [...b.techniqueNotes].sort();
      for (const p of sorted.slice(1)) {
        out.push({ path: p, severity: 'info', message: `${id} is also described by ${sorted[0]}; coverage links to the first` });
      }
    }
    return out.sort((a, b) => byPath(a, b) || (a.message < b.message ? -1 : 1));
  }
}

/** Rule rows in title order, then path: the order every list of rules shows. */
export function byTitle(a: RuleRef, b: RuleRef): number {
  const t = compareText(a.title, b.title);
  return t !== 0 ? t : byPath(a, b);
}

function gapsOf(c: TechniqueCoverage): string[] {
  const gaps: string[] = [];
  if (c.status === 'revoked') gaps.push(c.replacement ? `revoked: use ${c.replacement}` : 'revoked');
  else if (c.status === 'deprecated') gaps.push(c.replacement ? `deprecated: use ${c.replacement}` : 'deprecated');
  // Notes filed under next-release IDs count (see `counted`): they are named, not called missing.
  const elsewhere = (notes: CountedNote[]): string => {
    const ownSuccessor = notes.every((n) => n.as === 'successor');
    return ownSuccessor ? 'under its successor' : "under its or its sub-techniques' successors";
  };
  const allRules = [...c.rules, ...c.rolledUpRules];
  if (c.counted.rules.length === 0) gaps.push('no rules');
  else if (allRules.length === 0) gaps.push(`no rules under this ID; ${c.counted.rules.length} ${elsewhere(c.counted.rules)}`);
  else if (allRules.every((r) => r.status === 'experimental')) gaps.push('only experimental rules');
  if (c.counted.tests.length === 0) gaps.push('no tests');
  else if (c.tests.length + c.rolledUpTests.length === 0) {
    gaps.push(`no tests under this ID; ${atomicTestTotal(c.counted.tests)} ${elsewhere(c.counted.tests)}`);
  }
  return gaps;
}
