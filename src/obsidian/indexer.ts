/**
 * Feeds the core index from Obsidian's metadata cache: a first pass after layout-ready in batches that
 * keep the UI responsive, then one note at a time on `changed`, `rename` and `delete`.
 */
import { Component, TFile, parseYaml, type App, type CachedMetadata } from 'obsidian';
import { CoverageIndex, type TechniqueCatalog } from '../core/coverage-index';
import type { NoteSource } from '../core/metadata';
import { hasRoleTag, inAnyFolder, type EngineSettings } from '../core/settings';

export type IndexState = 'cold' | 'indexing' | 'ready';

const BATCH = 250;

export class VaultIndexer extends Component {
  readonly index: CoverageIndex;
  state: IndexState = 'cold';

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
    this.app.workspace.onLayoutReady(() => {
      this.registerEvent(this.app.metadataCache.on('changed', (file, _data, cache) => void this.indexFile(file, cache)));
      this.registerEvent(
        this.app.vault.on('rename', (file, oldPath) => {
          if (file instanceof TFile && file.extension === 'md') this.index.rename(oldPath, file.path);
          else this.index.remove(oldPath);
        }),
      );
      this.registerEvent(this.app.vault.on('delete', (file) => this.index.remove(file.path)));
      void this.loadAll();
    });
  }

  setSettings(settings: EngineSettings): void {
    this.settings = settings;
    this.index.setSettings(settings);
  }

  async loadAll(): Promise<void> {
    this.state = 'indexing';
    const files = this.app.vault.getMarkdownFiles();
    for (let i = 0; i < files.length; i += BATCH) {
      const sources: NoteSource[] = [];
      for (const f of files.slice(i, i + BATCH)) {
        const src = await this.source(f, this.app.metadataCache.getFileCache(f));
        if (src) sources.push(src);
      }
      this.index.upsertAll(sources);
      await new Promise((r) => window.setTimeout(r, 0)); // yield to the UI between batches
    }
    this.state = 'ready';
    this.index.upsertAll([]); // one more change event so views leave their "indexing" state
  }

  private async indexFile(file: TFile, cache: CachedMetadata): Promise<void> {
    const src = await this.source(file, cache);
    if (src) this.index.upsert(src);
  }

  /** The body is read only when a note may embed a rule: it has code blocks and is not a technique note. */
  private needsText(file: TFile, cache: CachedMetadata | null): boolean {
    if (!cache?.sections?.some((s) => s.type === 'code')) return false;
    const tags = [...(cache.tags ?? []).map((t) => t.tag.slice(1)), ...[cache.frontmatter?.tags ?? []].flat().map(String)];
    return !(hasRoleTag(tags, this.settings.techniqueTags) || inAnyFolder(file.path, this.settings.techniqueFolders));
  }

  private async source(file: TFile, cache: CachedMetadata | null): Promise<NoteSource | null> {
    // A note whose cache is not ready yet is caught by its `changed` event.
    if (!cache) return null;
    const src: NoteSource = { path: file.path, cache };
    if (this.needsText(file, cache)) {
      try {
        src.text = await this.app.vault.cachedRead(file);
      } catch {
        // A failed read is not evidence that the rule changed: keep what the index has.
        const prev = this.index.get(file.path);
        if (prev) return null;
      }
    }
    return src;
  }
}
