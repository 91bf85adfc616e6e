import { Plugin } from 'obsidian';
import { defaultCatalog } from './core/attack/catalog';
import { withDefaults, type EngineSettings } from './core/settings';
import { registerCoverageBlock } from './obsidian/coverage-block';
import { VaultIndexer } from './obsidian/indexer';

/** Lifecycle only: load settings, start the indexer, register the views and blocks. */
export default class AttackCoveragePlugin extends Plugin {
  // Not `settings`: Obsidian 1.13 gives Plugin a `settings` member of its own.
  coverageSettings: EngineSettings = withDefaults(undefined);

  override async onload(): Promise<void> {
    this.coverageSettings = withDefaults((await this.loadData()) as Partial<EngineSettings> | undefined);
    const indexer = this.addChild(new VaultIndexer(this.app, this.coverageSettings, defaultCatalog()));
    registerCoverageBlock(this, indexer);
  }
}
