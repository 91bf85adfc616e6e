/** The product's name in UI text (an acronym and a proper noun: its casing is fixed). */
export const PRODUCT = 'ATT&CK coverage';

/** Identifiers Obsidian stores (workspace layout, hover settings): never change them after a release. */
export const VIEW_TYPE_COVERAGE = 'attack-coverage-pane';
/** The pane's hover-link source, shown under Settings → Page preview as "ATT&CK coverage". */
export const HOVER_SOURCE = VIEW_TYPE_COVERAGE;
export const BLOCK_LANGUAGE = 'attack-coverage';
/** How long the pane waits after the active note changes before following it. */
export const FOLLOW_MS = 50;
/** How long views wait after the last index change before redrawing (a change shows within 300 ms). */
export const REFRESH_MS = 100;
