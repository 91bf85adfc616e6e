/** Opening the side pane: reuse the existing leaf, else a new one in the right sidebar. */
import type { App, WorkspaceLeaf } from 'obsidian';
import { VIEW_TYPE_COVERAGE } from './constants';
import { CoverageView } from './coverage-view';

/**
 * Openings under way, per app and view type. Until a new leaf's view state is set, the leaf is not yet
 * of the type, so a second call meanwhile (a double click on a ribbon icon or a command) would open a
 * second one: it waits for the first instead.
 */
const opening = new WeakMap<App, Map<string, Promise<WorkspaceLeaf>>>();

/** Reveal the leaf showing a view type, creating it with `newLeaf` (and `active`) if there is none. */
export function revealView(app: App, type: string, newLeaf: () => WorkspaceLeaf, active: boolean): Promise<WorkspaceLeaf> {
  const pending = opening.get(app) ?? new Map<string, Promise<WorkspaceLeaf>>();
  opening.set(app, pending);
  const under = pending.get(type);
  if (under) return under;
  const done = reveal(app, type, newLeaf, active).finally(() => pending.delete(type));
  pending.set(type, done);
  return done;
}

async function reveal(app: App, type: string, newLeaf: () => WorkspaceLeaf, active: boolean): Promise<WorkspaceLeaf> {
  let leaf = app.workspace.getLeavesOfType(type)[0];
  if (!leaf) {
    leaf = newLeaf();
    await leaf.setViewState({ type, active });
  }
  await app.workspace.revealLeaf(leaf);
  return leaf;
}

export async function activatePane(app: App): Promise<CoverageView | null> {
  const { workspace } = app;
  const leaf = await revealView(app, VIEW_TYPE_COVERAGE, () => workspace.getRightLeaf(false) ?? workspace.getLeaf(true), false);
  // Views are deferred until shown (Obsidian 1.7.2).
  await leaf.loadIfDeferred();
  return leaf.view instanceof CoverageView ? leaf.view : null;
}
