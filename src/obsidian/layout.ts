/** Work deferred to layout-ready on behalf of a component (the plugin, the indexer). */
import type { App, Component } from 'obsidian';

/**
 * `workspace.onLayoutReady`, skipped if the component was unloaded first: Obsidian keeps the callback
 * either way, and events or code-block languages registered on an unloaded component are never released.
 */
export function onLayoutReady(app: App, component: Component, callback: () => void): void {
  let loaded = true;
  component.register(() => {
    loaded = false;
  });
  app.workspace.onLayoutReady(() => {
    if (loaded) callback();
  });
}
