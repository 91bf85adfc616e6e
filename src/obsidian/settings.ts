/**
 * The plugin's saved settings: the engine's role settings (folders, role tags, roll-up) plus what only the
 * plugin shows (rule-table columns, the Dataview takeover). Stored in `data.json` with loadData/saveData.
 */
import { normalizePath } from 'obsidian';
import { DEFAULT_SETTINGS, withDefaults, type EngineSettings } from '../core/settings';
import { RULE_COLUMNS, type RuleColumn } from '../ui/panel-model';

export interface PluginSettings extends EngineSettings {
  /** Columns of the rules table besides the rule's name. */
  ruleColumns: RuleColumn[];
  /** Render ```dataview blocks as coverage panels when the Dataview plugin is not enabled. */
  dataviewTakeover: boolean;
}

export const DEFAULT_PLUGIN_SETTINGS: PluginSettings = {
  ...DEFAULT_SETTINGS,
  ruleColumns: [...RULE_COLUMNS],
  dataviewTakeover: true,
};

/** Saved data over the defaults: `Object.assign({}, DEFAULTS, data)`, then every field checked and copied. */
export function loadPluginSettings(data: unknown): PluginSettings {
  const saved: object = data && typeof data === 'object' && !Array.isArray(data) ? data : {};
  const merged: PluginSettings = Object.assign({}, DEFAULT_PLUGIN_SETTINGS, saved);
  const engine = withDefaults(merged);
  const columns = Array.isArray(merged.ruleColumns) ? merged.ruleColumns.filter((c): c is RuleColumn => (RULE_COLUMNS as readonly string[]).includes(c)) : [...RULE_COLUMNS];
  return {
    ...engine,
    ruleColumns: [...new Set(columns)],
    dataviewTakeover: typeof merged.dataviewTakeover === 'boolean' ? merged.dataviewTakeover : DEFAULT_PLUGIN_SETTINGS.dataviewTakeover,
  };
}

/** The engine's part, as a fresh object (the index keeps it). */
export function engineSettings(s: PluginSettings): EngineSettings {
  return withDefaults(s);
}

/**
 * One entry per line; folder entries go through normalizePath. Tags may also be separated by commas (a
 * tag cannot hold one), folders not: "Sigma, converted" is one folder's name.
 */
export function parseList(text: string, kind: 'folder' | 'tag'): string[] {
  const out: string[] = [];
  for (const raw of text.split(kind === 'folder' ? /\r?\n/ : /[\r\n,]/)) {
    const t = raw.trim();
    if (!t) continue;
    const v = kind === 'folder' ? normalizePath(t) : t.replace(/^#/, '');
    if (v && v !== '/' && !out.includes(v)) out.push(v);
  }
  return out;
}
