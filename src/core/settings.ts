/**
 * How the engine recognises technique, rule and test notes. The defaults work on the three vault
 * formats found in the wild (Use-Case-Catalogue, vincenzocaputo/scorchederf, reuteras); every entry is
 * user-configurable in the plugin's settings and the CLI's `--config`.
 */
export interface RoleSettings {
  /**
   * Folders. An entry without `/` matches any folder segment of that name (case-insensitive), so
   * `techniques` finds `vault/kb/mitre/attack/techniques/`; an entry with `/` is a vault-rooted prefix.
   */
  techniqueFolders: string[];
  ruleFolders: string[];
  testFolders: string[];
  /** Role tags, matched on the tag's last segment: `technique` matches `#technique` and `#mitre/technique`. */
  techniqueTags: string[];
  ruleTags: string[];
  testTags: string[];
  /** Folders never indexed (same matching as above). */
  ignoreFolders: string[];
}

export interface EngineSettings extends RoleSettings {
  /** A parent technique's coverage also lists its sub-techniques' rules and tests, marked as rolled up. */
  rollUp: boolean;
}

export const DEFAULT_SETTINGS: EngineSettings = {
  techniqueFolders: ['Use Cases', 'techniques'],
  ruleFolders: ['Detection Rules'],
  testFolders: ['atomics', 'Testing Runbooks'],
  techniqueTags: ['techniques', 'technique', 'subtechnique'],
  ruleTags: ['detection_rule'],
  testTags: ['atomic_test'],
  ignoreFolders: ['.trash', 'Indexes'],
  rollUp: true,
};

/** Merge user settings over the defaults without sharing arrays with DEFAULT_SETTINGS. */
export function withDefaults(partial: Partial<EngineSettings> | undefined): EngineSettings {
  const out: EngineSettings = { ...DEFAULT_SETTINGS };
  for (const [k, v] of Object.entries(partial ?? {})) {
    const key = k as keyof EngineSettings;
    const def = DEFAULT_SETTINGS[key];
    if (Array.isArray(def) && Array.isArray(v) && v.every((x) => typeof x === 'string')) {
      (out as unknown as Record<string, unknown>)[key] = [...v];
    } else if (typeof def === 'boolean' && typeof v === 'boolean') {
      (out as unknown as Record<string, unknown>)[key] = v;
    }
  }
  return out;
}

export function folderOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

export function basenameOf(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  return name.replace(/\.md$/i, '');
}

export function inFolder(path: string, entry: string): boolean {
  const e = entry.replace(/^\/+|\/+$/g, '');
  if (!e) return false;
  const folder = folderOf(path);
  if (e.includes('/')) return folder === e || folder.startsWith(e + '/');
  const want = e.toLowerCase();
  return folder.split('/').some((seg) => seg.toLowerCase() === want);
}

export function inAnyFolder(path: string, entries: readonly string[]): boolean {
  return entries.some((e) => inFolder(path, e));
}

/** Role tags match on the last segment, case-insensitively. */
export function hasRoleTag(tags: readonly string[], roleTags: readonly string[]): boolean {
  const want = new Set(roleTags.map((t) => t.replace(/^#/, '').toLowerCase()));
  return tags.some((t) => want.has(t.slice(t.lastIndexOf('/') + 1).toLowerCase()));
}
