/**
 * Per-rule analyses for a whole vault, kept in step with a CoverageIndex, plus corpus reach.
 *
 * Caching: a rule's analysis is computed once per revision of its note. The revision is the identity of
 * the note's `RuleMeta` object in the index: `analyzeNote` makes a new one whenever the note is re-read,
 * while a rename (`rebaseFacts`) keeps it — so a renamed note keeps its parsed rule and only its path,
 * folder and title are refreshed.
 *
 * Corpus reach — for each (normalised field, operator, value) the number of distinct rule notes in the
 * vault using it — is a count map maintained incrementally: when a rule is (re)analysed or removed, its
 * distinct keys are added or subtracted. One note edit therefore costs that note's predicates, not a
 * walk over every predicate of the vault (~100k for SigmaHQ), and the counts are always current for
 * every technique panel. A change to the field-concept overrides re-keys everything (no re-parse).
 *
 * Text: rules are parsed from the note's embedded rule, which the index does not keep. The store gets
 * it from `remember(source)` (the indexer hands over the text it just read) or from `readText`, which may
 * be asynchronous (Obsidian's `cachedRead`): `sync()` starts such reads and `ready()` waits for them.
 */
import type { CoverageIndex, IndexedNote } from '../coverage-index';
import type { NoteSource } from '../metadata';
import type { YamlParser } from '../rules';
import { fieldOverridesFromFrontmatter, mergeFieldOverrides, type ParsedFieldOverrides } from './field-overrides';
import { normaliseField, type FieldDialect, type FieldOverrides } from './fields';
import { analyseRuleText, finishAnalysis, type RuleAnalysis, type RuleCore } from './rule-analysis';

export type TextReader = (path: string) => string | undefined | Promise<string | undefined>;

export interface RuleStoreOptions {
  parseYaml: YamlParser;
  /** A note's text by vault path: synchronous (CLI, tests) or a promise (Obsidian's `vault.cachedRead`). */
  readText?: TextReader;
  /** Overrides from settings; `attack-coverage-fields` notes in the vault are layered on top. */
  fieldOverrides?: FieldOverrides;
}

interface Entry {
  /** The note revision the core was computed from (see the module comment). */
  key: object;
  facts: object;
  core: RuleCore;
  analysis: RuleAnalysis;
}

const noteKey = (n: IndexedNote): object => n.facts.rule ?? n.facts;
const isThenable = (v: unknown): v is PromiseLike<string | undefined> =>
  v !== null && typeof v === 'object' && typeof (v as { then?: unknown }).then === 'function';

export class RuleAnalysisStore {
  private readonly entries = new Map<string, Entry>();
  private readonly dirty = new Set<string>();
  private everything = true;
  private readonly texts = new Map<string, { key: object; text: string | undefined }>();
  private readonly reads = new Map<string, Promise<void>>();
  private readonly reach = new Map<string, number>();
  private readonly overrideNotes = new Map<string, ParsedFieldOverrides>();
  private baseOverrides: FieldOverrides | undefined;
  private effective: Record<string, string> = {};
  private readonly concepts = new Map<string, string>();
  private readonly listeners = new Set<() => void>();
  private readonly unsubscribe: () => void;
  /** Bumped whenever an analysis or a reach count changes. */
  revision = 0;

  constructor(
    readonly index: CoverageIndex,
    private readonly opts: RuleStoreOptions,
  ) {
    this.baseOverrides = opts.fieldOverrides;
    this.effective = mergeFieldOverrides(opts.fieldOverrides);
    this.unsubscribe = index.onChange((c) => {
      for (const p of c.paths) this.dirty.add(p);
    });
  }

  /** Stop following the index. */
  dispose(): void {
    this.unsubscribe();
    this.listeners.clear();
  }

  /** Called when an asynchronous read has landed: the owner may re-render (after `sync()`). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Hand over the text of a note just given to `index.upsert` (saves a second read). */
  remember(source: NoteSource): void {
    const n = this.index.get(source.path);
    if (n?.cls.role === 'rule' && source.text !== undefined) this.texts.set(source.path, { key: noteKey(n), text: source.text });
  }

  /** Settings-level overrides (the vault's override notes still apply on top). */
  setFieldOverrides(overrides: FieldOverrides | undefined): void {
    this.baseOverrides = overrides;
    this.everything = true;
    this.sync();
  }

  /** The effective alias → concept overrides (settings, then vault notes by path). */
  get fieldOverrides(): Readonly<Record<string, string>> {
    return this.effective;
  }

  /** Problems in `attack-coverage-fields` notes, by note path. */
  overrideProblems(): Array<{ path: string; message: string }> {
    const out: Array<{ path: string; message: string }> = [];
    for (const [path, o] of [...this.overrideNotes].sort(([a], [b]) => (a < b ? -1 : 1))) for (const message of o.problems) out.push({ path, message });
    return out;
  }

  /** The concept a field of a rule in `dialect` names, memoised until the overrides change. */
  concept(field: string, dialect?: FieldDialect): string {
    const key = dialect ? `${dialect}\u0000${field}` : field;
    let c = this.concepts.get(key);
    if (c === undefined) {
      c = normaliseField(field, this.effective, dialect);
      this.concepts.set(key, c);
    }
    return c;
  }

  /** Brings every changed rule note up to date. Synchronous: notes whose text is being read stay pending. */
  sync(): void {
    if (!this.everything && this.dirty.size === 0) return;
    const paths = new Set(this.dirty);
    this.dirty.clear();
    let layersChanged = this.everything;
    if (this.everything) {
      this.everything = false;
      for (const n of this.index.allNotes()) paths.add(n.facts.path);
      for (const p of this.entries.keys()) paths.add(p);
      for (const p of this.overrideNotes.keys()) paths.add(p);
    }
    let changed = false;

    // 1. Override notes. When the effective table changes, every rule is re-keyed (not re-parsed).
    for (const p of paths) {
      const n = this.index.get(p);
      const o = n ? fieldOverridesFromFrontmatter(n.facts.frontmatter) : null;
      const prev = this.overrideNotes.get(p);
      if (!o && !prev) continue;
      if (o && prev && JSON.stringify(o) === JSON.stringify(prev)) continue;
      if (o) this.overrideNotes.set(p, o);
      else this.overrideNotes.delete(p);
      layersChanged = true;
    }
    let rekey = false;
    if (layersChanged) {
      const notes = [...this.overrideNotes.keys()].sort().map((p) => this.overrideNotes.get(p)?.overrides);
      const next = mergeFieldOverrides(this.baseOverrides, ...notes);
      if (JSON.stringify(next) !== JSON.stringify(this.effective)) {
        this.effective = next;
        this.concepts.clear();
        rekey = true;
        for (const p of this.entries.keys()) paths.add(p);
      }
    }

    // 2. Removed notes, and notes that stopped being rules. Their parsed cores are kept for this pass
    // so that a rename (old path gone, new path with the same revision) re-uses them.
    const graveyard = new Map<object, RuleCore>();
    for (const p of paths) {
      const e = this.entries.get(p);
      const n = this.index.get(p);
      if (!e || (n && n.cls.role === 'rule')) continue;
      this.count(e.analysis, -1);
      this.entries.delete(p);
      graveyard.set(e.key, e.core);
      changed = true;
    }

    // 3. New, changed, renamed and re-keyed rules.
    for (const p of paths) {
      const n = this.index.get(p);
      if (!n || n.cls.role !== 'rule') {
        this.texts.delete(p);
        continue;
      }
      const key = noteKey(n);
      const e = this.entries.get(p);
      if (e && e.key === key) {
        if (e.facts !== n.facts || rekey) {
          this.replace(p, e, e.core, n);
          changed = true;
        }
        continue;
      }
      const core = graveyard.get(key) ?? this.parse(p, n, key);
      if (!core) {
        // Text on its way: the old revision's analysis is stale, drop it until the new one is parsed.
        if (e) {
          this.count(e.analysis, -1);
          this.entries.delete(p);
          changed = true;
        }
        continue;
      }
      this.replace(p, e, core, n);
      changed = true;
    }
    if (changed) this.revision++;
  }

  /** Everything parsed, including rules whose text had to be read asynchronously. */
  async ready(): Promise<void> {
    this.sync();
    while (this.reads.size > 0) {
      await Promise.all([...this.reads.values()]);
      this.sync();
    }
  }

  /** The analysis of a rule note (call `sync()` first for the latest). */
  get(path: string): RuleAnalysis | undefined {
    return this.entries.get(path)?.analysis;
  }

  /** Rule notes whose text is still being read. */
  get pending(): number {
    return this.reads.size;
  }

  isPending(path: string): boolean {
    return this.reads.has(path);
  }

  /** Rule notes analysed (the corpus reach is counted over these). */
  get size(): number {
    return this.entries.size;
  }

  all(): IterableIterator<RuleAnalysis> {
    const it = this.entries.values();
    return (function* () {
      for (const e of it) yield e.analysis;
    })();
  }

  /** Distinct rule notes in the vault using a reach key (see `reachKey`). */
  reachOf(key: string): number {
    return this.reach.get(key) ?? 0;
  }

  // ---- internals -------------------------------------------------------------------------------

  private finish(core: RuleCore, n: IndexedNote): RuleAnalysis {
    return finishAnalysis(
      core,
      { path: n.facts.path, title: n.facts.title, folder: n.facts.folder, meta: n.facts.rule },
      (f, dialect) => this.concept(f, dialect),
      this.effective,
    );
  }

  private replace(path: string, old: Entry | undefined, core: RuleCore, n: IndexedNote): void {
    if (old) this.count(old.analysis, -1);
    const analysis = this.finish(core, n);
    this.count(analysis, +1);
    this.entries.set(path, { key: noteKey(n), facts: n.facts, core, analysis });
  }

  private count(a: RuleAnalysis, d: 1 | -1): void {
    for (const k of a.reachKeys) {
      const v = (this.reach.get(k) ?? 0) + d;
      if (v > 0) this.reach.set(k, v);
      else this.reach.delete(k);
    }
  }

  /** Parses from remembered or read text; undefined while an asynchronous read is in flight. */
  private parse(path: string, n: IndexedNote, key: object): RuleCore | undefined {
    const held = this.texts.get(path);
    if (held && held.key === key) {
      this.texts.delete(path);
      return analyseRuleText(held.text, n.facts.rule, this.opts.parseYaml);
    }
    if (this.reads.has(path)) return undefined;
    const read = this.opts.readText;
    if (!read) return analyseRuleText(undefined, n.facts.rule, this.opts.parseYaml);
    let got: string | undefined | Promise<string | undefined>;
    try {
      got = read(path);
    } catch {
      got = undefined;
    }
    if (!isThenable(got)) return analyseRuleText(got, n.facts.rule, this.opts.parseYaml);
    const done = Promise.resolve(got).then(
      (text) => text,
      () => undefined,
    ).then((text) => {
      this.reads.delete(path);
      this.texts.set(path, { key, text });
      this.dirty.add(path);
      for (const l of this.listeners) l();
    });
    this.reads.set(path, done);
    return undefined;
  }
}
