/** Opening the side pane: reuse the existing leaf, else a new one in the right sidebar. */
import type { App } from 'obsidian';
import { VIEW_TYPE_COVERAGE } from './constants';
import { CoverageView } from './coverage-view';

/**
 * Openings under way, per app. Until a new leaf's view state is set, the leaf is not yet of our type,
 * so a second call meanwhile (a double click on the ribbon icon) would open a second pane: it waits
 * for the first instead.
 */
const opening = new WeakMap<App, Promise<CoverageView | null>>();

export function activatePane(app: App): Promise<CoverageView | null> {
  const pending = opening.get(app);
  if (pending) return pending;
  const done = open(app).finally(() => opening.delete(app));
  opening.set(app, done);
  return done;
}

async function open(app: App): Promise<CoverageView | null> {
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
