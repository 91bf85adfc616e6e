/**
 * What the plugin's views, blocks, commands and settings tab share: the app, the indexer and the live
 * settings. Settings changes are saved, applied to the index and announced to every open view and block.
 */
import { Notice, type App, type Component } from 'obsidian';
import { PRODUCT } from './constants';
import type { Catalog } from '../core/attack/catalog';
import { engineSettings, type PluginSettings } from './settings';
import type { AnalyticsService } from './analytics';
import type { VaultIndexer } from './indexer';

type Listener = () => void;

const ENGINE_KEYS = ['techniqueFolders', 'ruleFolders', 'testFolders', 'techniqueTags', 'ruleTags', 'testTags', 'ignoreFolders', 'rollUp'] as const;

export class CoverageContext {
  private current: PluginSettings;
  private readonly listeners = new Set<Listener>();
  /** Code-block children now loaded: a note rendered while the plugin ran keeps them after it stops. */
  private readonly blocks = new Set<Component>();
  /** Bumped on every settings change, so views know to redraw even when the index did not change. */
  settingsVersion = 0;
  /** Technique analytics (events, authoring guide, ATT&CK context); absent in tests that do not need it. */
  analytics: AnalyticsService | null = null;

  constructor(
    readonly app: App,
    readonly indexer: VaultIndexer,
    readonly catalog: Catalog,
    settings: PluginSettings,
    private readonly save: (s: PluginSettings) => Promise<void>,
  ) {
    this.current = settings;
  }

  get settings(): Readonly<PluginSettings> {
    return this.current;
  }

  /** Change some settings: saved, applied live (re-classifying notes when roles changed), views told. */
  async update(patch: Partial<PluginSettings>): Promise<void> {
    this.apply({ ...this.current, ...patch });
    try {
      await this.save(this.current);
    } catch (e) {
      // Applied, but gone at the next start: say so rather than leave a rejection nobody sees.
      console.error(`${PRODUCT}: could not save the settings`, e);
      new Notice(`${PRODUCT}: could not save the settings (${e instanceof Error ? e.message : String(e)}). They apply until Obsidian restarts.`);
    }
  }

  /** Replace all settings (e.g. data.json changed on another device); nothing is saved. */
  apply(next: PluginSettings): void {
    const prev = this.current;
    this.current = next;
    if (ENGINE_KEYS.some((k) => JSON.stringify(prev[k]) !== JSON.stringify(next[k]))) this.indexer.setSettings(engineSettings(next));
    this.settingsVersion += 1;
    for (const l of [...this.listeners]) l();
  }

  /** A loaded code-block child, unloaded by `dispose` if it is still loaded then; returns its release. */
  adopt(block: Component): () => void {
    this.blocks.add(block);
    return () => this.blocks.delete(block);
  }

  /**
   * The plugin is unloading. Obsidian does not re-render open notes then, so their blocks would go on
   * listening to the vault and to an index nobody updates: unload them (the drawn panels stay as they are).
   */
  dispose(): void {
    for (const b of [...this.blocks]) b.unload();
    this.blocks.clear();
  }

  onSettingsChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
