/**
 * Feeds the core index from Obsidian's metadata cache: a first pass after layout-ready in batches that
 * keep the UI responsive, then one note at a time on `changed`, vault `rename` and `delete`.
 *
 * - Frontmatter, tags and headings come from the cache; a note's text is read only when the engine needs
 *   its body (a possible embedded rule), at most four reads at a time.
 * - Notes whose cache is not ready at start-up are picked up by their `changed` event, at the end of the
 *   first pass, and on any later `resolved` (the cache may still have been filling when the layout
 *   became ready).
 * - A late read never overwrites a newer one; a failed read keeps what the index had.
 */
import { Component, TFile, parseYaml, type App, type CachedMetadata } from 'obsidian';
import { CoverageIndex, type TechniqueCatalog } from '../core/coverage-index';
import type { NoteSource } from '../core/metadata';
import { hasRoleTag, inAnyFolder, type EngineSettings } from '../core/settings';
import { onLayoutReady } from './layout';

export type IndexState = 'cold' | 'indexing' | 'ready';

const BATCH = 250;
const CONCURRENT_READS = 4;

export class VaultIndexer extends Component {
  readonly index: CoverageIndex;
  state: IndexState = 'cold';
  /** Notes indexed so far in the current full pass, and how many it has. */
  progress = { done: 0, total: 0 };
  /** Per-path generation: a read that finishes after a newer one started is dropped. */
  private generation = new Map<string, number>();
  private skipped = new Set<string>();
  private pass = 0;

  constructor(
    private readonly app: App,
    private settings: EngineSettings,
    catalog: TechniqueCatalog,
  ) {
    super();
    this.index = new CoverageIndex({ settings, catalog, env: { parseYaml } });
  }

  override onload(): void {
    // Vault events fire for every file while the vault loads: subscribe once the layout is ready.
    onLayoutReady(this.app, this, () => {
      this.registerEvent(
        this.app.metadataCache.on('changed', (file, _data, cache) => {
          this.skipped.delete(file.path);
          void this.indexFile(file, cache);
        }),
      );
      this.registerEvent(
        this.app.metadataCache.on('resolved', () => {
          if (this.state === 'ready' && this.skipped.size) void this.retrySkipped();
        }),
      );
      // Renames do not reach the metadata cache: re-key the entry (its role may change with its folder).
      this.registerEvent(
        this.app.vault.on('rename', (file, oldPath) => {
          this.bump(oldPath);
          this.skipped.delete(oldPath);
          if (file instanceof TFile && file.extension === 'md') {
            this.bump(file.path);
            const cache = this.app.metadataCache.getFileCache(file);
            if (!this.index.rename(oldPath, file.path)) {
              // Metadata not ready yet: wait for it under the new name, as the first pass does.
              if (cache) void this.indexFile(file, cache);
              else this.skipped.add(file.path);
            }
            // Moved out of a technique folder: the body skipped until now may hold a rule.
            else if (cache && this.needsText(file.path, cache) && !this.needsText(oldPath, cache)) void this.indexFile(file, cache);
          } else this.index.remove(oldPath);
        }),
      );
      this.registerEvent(this.app.vault.on('delete', (file) => this.drop(file.path)));
      this.registerEvent(this.app.metadataCache.on('deleted', (file) => this.drop(file.path)));
      void this.loadAll();
    });
  }

  override onunload(): void {
    this.pass += 1; // stops a full pass that is still running
  }

  get ready(): boolean {
    return this.state === 'ready';
  }

  setSettings(settings: EngineSettings): void {
    const before = this.settings;
    this.settings = settings;
    this.index.setSettings(settings);
    // Notes whose body the old technique folders and tags skipped, and the new ones do not: read them now.
    // Only those two settings decide it, so other changes (a table column, roll-up) cost no pass over the vault.
    const same = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
    if (same(before.techniqueFolders, settings.techniqueFolders) && same(before.techniqueTags, settings.techniqueTags)) return;
    const unread = this.bodiesNowNeeded([...this.index.allNotes()].map((n) => n.facts.path), before);
    if (unread.length) void this.reread(unread);
  }

  /**
   * Forget everything and index the vault again (the "Rebuild index" command). False when a later
   * rebuild or unload cut this one short. The read generations are kept: a read begun before the
   * rebuild must still lose to the events that came after it.
   */
  async rebuild(): Promise<boolean> {
    this.index.clear();
    return this.loadAll();
  }

  /** A full pass over the vault; false when a newer pass (or unload) stopped it. */
  async loadAll(): Promise<boolean> {
    const pass = ++this.pass;
    this.state = 'indexing';
    this.skipped.clear();
    const files = this.app.vault.getMarkdownFiles();
    this.progress = { done: 0, total: files.length };
    const started = Date.now();
    for (let i = 0; i < files.length; i += BATCH) {
      const batch = files.slice(i, i + BATCH);
      const settings = this.settings;
      const sources = this.current(await this.sources(batch));
      if (pass !== this.pass) return false;
      this.progress = { done: Math.min(files.length, i + BATCH), total: files.length };
      this.index.upsertAll(sources);
      this.readSkippedBodies(sources, settings);
      await new Promise((r) => window.setTimeout(r, 0)); // yield to the UI between batches
      if (pass !== this.pass) return false;
    }
    // Metadata that arrived during the pass without a `changed` event (Obsidian's stored cache of notes
    // that did not change) is announced only by a `resolved` that may have come and gone: look again.
    if (this.skipped.size) await this.retrySkipped();
    if (pass !== this.pass) return false;
    this.state = 'ready';
    this.index.upsertAll([]); // one more change event so views leave their "indexing" state
    console.debug(`ATT&CK coverage: ${files.length} notes indexed in ${Date.now() - started} ms (${this.skipped.size} waiting for metadata)`);
    return true;
  }

  /** Notes read for a batch, each with its path's generation when its read began. */
  private async sources(files: TFile[]): Promise<Array<{ src: NoteSource; gen: number }>> {
    const out: Array<{ src: NoteSource; gen: number } | null> = new Array<{ src: NoteSource; gen: number } | null>(files.length).fill(null);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < files.length) {
        const i = next++;
        const f = files[i];
        if (!f) continue;
        const cache = this.app.metadataCache.getFileCache(f);
        if (!cache) {
          this.skipped.add(f.path);
          continue;
        }
        const gen = this.generation.get(f.path) ?? 0;
        const src = await this.source(f, cache);
        if (src) out[i] = { src, gen };
      }
    };
    await Promise.all(Array.from({ length: CONCURRENT_READS }, worker));
    return out.filter((s): s is { src: NoteSource; gen: number } => s !== null);
  }

  /** Drops notes renamed, deleted or changed since their read began: the newer event has the say. */
  private current(read: Array<{ src: NoteSource; gen: number }>): NoteSource[] {
    return read.filter(({ src, gen }) => (this.generation.get(src.path) ?? 0) === gen).map(({ src }) => src);
  }

  private async retrySkipped(): Promise<void> {
    const files = [...this.skipped].map((p) => this.app.vault.getFileByPath(p)).filter((f): f is TFile => f !== null);
    this.skipped.clear();
    await this.reread(files);
  }

  /** Index some notes again, four reads at a time, with one change event. */
  private async reread(files: TFile[]): Promise<void> {
    const settings = this.settings;
    const sources = this.current(await this.sources(files));
    if (sources.length) this.index.upsertAll(sources);
    this.readSkippedBodies(sources, settings);
  }

  /**
   * Notes read under settings that have changed since: setSettings looked only at notes already in the
   * index, so a body skipped by the old technique folders or tags and wanted by the new ones is read now.
   */
  private readSkippedBodies(sources: readonly NoteSource[], readUnder: EngineSettings): void {
    if (this.settings === readUnder) return;
    const unread = this.bodiesNowNeeded(sources.filter((s) => s.text === undefined).map((s) => s.path), readUnder);
    if (unread.length) void this.reread(unread);
  }

  /** Of these notes, those whose body the `before` settings did not need and the current ones do. */
  private bodiesNowNeeded(paths: readonly string[], before: EngineSettings): TFile[] {
    const out: TFile[] = [];
    for (const path of paths) {
      const file = this.app.vault.getFileByPath(path);
      const cache = file && this.app.metadataCache.getFileCache(file);
      if (file && cache && this.needsText(path, cache) && !this.needsText(path, cache, before)) out.push(file);
    }
    return out;
  }

  private bump(path: string): number {
    const g = (this.generation.get(path) ?? 0) + 1;
    this.generation.set(path, g);
    return g;
  }

  private drop(path: string): void {
    this.bump(path);
    this.skipped.delete(path);
    this.index.remove(path);
  }

  private async indexFile(file: TFile, cache: CachedMetadata | null): Promise<void> {
    if (file.extension !== 'md' || !cache) return;
    const gen = this.bump(file.path);
    const settings = this.settings;
    const src = await this.source(file, cache);
    // Renamed, deleted or changed again while the text was being read: the newer event wins.
    if (!src || this.generation.get(file.path) !== gen || file.path !== src.path) return;
    this.index.upsert(src);
    this.readSkippedBodies([src], settings);
  }

  /**
   * The body is read only when it may matter: the note has code blocks (a rule may be embedded) and is not
   * a technique note by its folder or tags, which no embedded rule overrides. The cheap folder and tag
   * check comes first; only notes it points at are classified from their metadata.
   */
  private needsText(path: string, cache: CachedMetadata, settings: EngineSettings = this.settings): boolean {
    if (!cache.sections?.some((s) => s.type === 'code')) return false;
    const tags = [...(cache.tags ?? []).map((t) => t.tag.slice(1)), ...[(cache.frontmatter?.tags as unknown) ?? []].flat().map(String)];
    if (!(hasRoleTag(tags, settings.techniqueTags) || inAnyFolder(path, settings.techniqueFolders))) return true;
    return this.index.roleWithoutBody({ path, cache }, settings) !== 'technique';
  }

  private async source(file: TFile, cache: CachedMetadata): Promise<NoteSource | null> {
    const src: NoteSource = { path: file.path, cache };
    if (this.needsText(file.path, cache)) {
      try {
        src.text = await this.app.vault.cachedRead(file);
      } catch {
        // A failed read is not evidence that the rule changed: keep what the index has.
        if (this.index.get(file.path)) return null;
      }
    }
    return src;
  }
}
