/** Opening the side pane: reuse the existing leaf, else a new one in the right sidebar. */
import type { App } from 'obsidian';
import { VIEW_TYPE_COVERAGE } from './constants';
import { CoverageView } from './coverage-view';

export async function activatePane(app: App): Promise<CoverageView | null> {
  const { workspace } = app;
  let leaf = workspace.getLeavesOfType(VIEW_TYPE_COVERAGE)[0];
  if (!leaf) {
    leaf = workspace.getRightLeaf(false) ?? workspace.getLeaf(true);
    await leaf.setViewState({ type: VIEW_TYPE_COVERAGE, active: false });
  }
  await workspace.revealLeaf(leaf);
  // Views are deferred until shown (Obsidian 1.7.2).
  await leaf.loadIfDeferred();
  return leaf.view instanceof CoverageView ? leaf.view : null;
}
