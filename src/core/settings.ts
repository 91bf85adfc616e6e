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

/** A folder list compiled once: segment names and vault-rooted prefixes, both lower-cased. */
export interface FolderMatcher {
  segments: Set<string>;
  prefixes: string[];
}

export function compileFolders(entries: readonly string[]): FolderMatcher {
  const m: FolderMatcher = { segments: new Set(), prefixes: [] };
  for (const entry of entries) {
    const e = entry.replace(/^\/+|\/+$/g, '');
    if (!e) continue;
    // Both forms ignore letter case: settings are typed by people, and folder names differ only in case by accident.
    if (e.includes('/')) m.prefixes.push(e.toLowerCase());
    else m.segments.add(e.toLowerCase());
  }
  return m;
}

export function compileRoleTags(tags: readonly string[]): Set<string> {
  return new Set(tags.map((t) => t.replace(/^#/, '').toLowerCase()));
}

/** Role settings compiled for the hot path: the index compiles them once per settings change. */
export interface CompiledRoles {
  techniqueFolders: FolderMatcher;
  ruleFolders: FolderMatcher;
  testFolders: FolderMatcher;
  ignoreFolders: FolderMatcher;
  techniqueTags: Set<string>;
  ruleTags: Set<string>;
  testTags: Set<string>;
}

export function compileRoles(s: RoleSettings): CompiledRoles {
  return {
    techniqueFolders: compileFolders(s.techniqueFolders),
    ruleFolders: compileFolders(s.ruleFolders),
    testFolders: compileFolders(s.testFolders),
    ignoreFolders: compileFolders(s.ignoreFolders),
    techniqueTags: compileRoleTags(s.techniqueTags),
    ruleTags: compileRoleTags(s.ruleTags),
    testTags: compileRoleTags(s.testTags),
  };
}

export function folderMatches(path: string, m: FolderMatcher): boolean {
  const folder = folderOf(path);
  if (m.prefixes.length) {
    const lower = folder.toLowerCase();
    for (const p of m.prefixes) if (lower === p || lower.startsWith(p + '/')) return true;
  }
  if (m.segments.size === 0 || folder === '') return false;
  let start = 0;
  for (;;) {
    const end = folder.indexOf('/', start);
    if (m.segments.has(folder.slice(start, end < 0 ? folder.length : end).toLowerCase())) return true;
    if (end < 0) return false;
    start = end + 1;
  }
}

export function roleTagMatches(tags: readonly string[], want: Set<string>): boolean {
  for (const t of tags) if (want.has(t.slice(t.lastIndexOf('/') + 1).toLowerCase())) return true;
  return false;
}

export function inFolder(path: string, entry: string): boolean {
  return folderMatches(path, compileFolders([entry]));
}

export function inAnyFolder(path: string, entries: readonly string[]): boolean {
  return folderMatches(path, compileFolders(entries));
}

/** Role tags match on the last segment, case-insensitively. */
export function hasRoleTag(tags: readonly string[], roleTags: readonly string[]): boolean {
  return roleTagMatches(tags, compileRoleTags(roleTags));
}
