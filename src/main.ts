import { Plugin } from 'obsidian';
import { defaultCatalog } from './core/attack/catalog';
import type { CoverageIndex } from './core/coverage-index';
import { registerCommands } from './obsidian/commands';
import { registerConvertCommands } from './obsidian/convert-command';
import { registerImportCommands } from './obsidian/import-commands';
import { registerMatrix } from './obsidian/matrix-view';
import { HOVER_SOURCE, PRODUCT, VIEW_TYPE_COVERAGE } from './obsidian/constants';
import { AnalyticsService } from './obsidian/analytics';
import { CoverageContext } from './obsidian/context';
import { registerCoverageBlock } from './obsidian/coverage-block';
import { CoverageView } from './obsidian/coverage-view';
import { registerDataviewTakeover } from './obsidian/dataview-block';
import { VaultIndexer } from './obsidian/indexer';
import { onLayoutReady } from './obsidian/layout';
import { activatePane } from './obsidian/pane';
import { engineSettings, loadPluginSettings } from './obsidian/settings';
import { CoverageSettingTab } from './obsidian/settings-tab';

/** Lifecycle only: load settings, start the indexer, register the pane, blocks, commands and settings tab. */
export default class AttackCoveragePlugin extends Plugin {
  private ctx: CoverageContext | null = null;

  override async onload(): Promise<void> {
    const settings = loadPluginSettings(await this.loadData());
    const catalog = defaultCatalog();
    const indexer = this.addChild(new VaultIndexer(this.app, engineSettings(settings), catalog));
    const ctx = new CoverageContext(this.app, indexer, catalog, settings, (s) => this.saveData(s));
    this.ctx = ctx;
    this.register(() => ctx.dispose());
    this.guard('analytics', () => {
      const analytics = new AnalyticsService(this.app, indexer.index);
      ctx.analytics = analytics;
      this.register(() => analytics.dispose());
    });

    this.registerView(VIEW_TYPE_COVERAGE, (leaf) => new CoverageView(leaf, ctx));
    this.registerHoverLinkSource(HOVER_SOURCE, { display: PRODUCT, defaultMod: true });
    registerCoverageBlock(this, ctx);
    registerDataviewTakeover(this, ctx);
    registerCommands(this, ctx);
    this.addSettingTab(new CoverageSettingTab(this.app, this, ctx));
    this.addRibbonIcon('shield-check', 'Open coverage pane', () => void activatePane(this.app));

    // Further features, each guarded: one failing to register must not take the pane and blocks down.
    const index = (): CoverageIndex => indexer.index;
    this.guard('matrix', () => registerMatrix(this, index, () => catalog));
    this.guard('query conversion', () => registerConvertCommands(this, index));
    this.guard('import', () => registerImportCommands(this));
  }

  private guard(feature: string, register: () => void): void {
    try {
      register();
    } catch (e) {
      console.error(`${PRODUCT}: the ${feature} feature could not start`, e);
    }
  }

  /** The first time the user enables the plugin: show the pane (never on every start-up). */
  override onUserEnable(): void {
    onLayoutReady(this.app, this, () => void activatePane(this.app));
  }

  /** data.json changed underneath us (Sync): apply the new settings. */
  override async onExternalSettingsChange(): Promise<void> {
    this.ctx?.apply(loadPluginSettings(await this.loadData()));
  }
}
