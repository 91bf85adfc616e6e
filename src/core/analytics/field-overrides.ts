/**
 * User overrides of the field-concept table (`data/field-concepts.json`), written in a vault note's
 * frontmatter under `attack-coverage-fields`. Any note may carry the key; all such notes are merged.
 *
 * ```yaml
 * ---
 * attack-coverage-fields:
 *   process.name: Image            # alias → concept
 *   proc_cmdline: CommandLine
 *   TargetImage: [dst_process, target.process.executable]   # concept → aliases
 * ---
 * ```
 *
 * The list form suits Obsidian's property editor: `attack-coverage-fields: ["process.name = Image"]`
 * (`=`, `->` or `→` between alias and concept). Aliases match case-insensitively, like the table.
 */
import type { FieldOverrides } from './fields';

export const FIELD_OVERRIDES_KEY = 'attack-coverage-fields';

export interface ParsedFieldOverrides {
  /** alias → concept */
  overrides: Record<string, string>;
  problems: string[];
}

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const text = (v: unknown): string => (typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '');

/**
 * `alias = Concept` (or `->`, `→`, `:`) split at the first separator after the alias's first character.
 * A search rather than one regular expression around optional spaces, which takes quadratic time on long
 * runs of spaces.
 */
function splitPair(s: string): [string, string] | null {
  const m = /=|->|→|:/.exec(s.slice(1));
  if (!m) return null;
  const at = m.index + 1;
  const alias = s.slice(0, at).trim();
  const concept = s.slice(at + m[0].length).trim();
  return alias && concept ? [alias, concept] : null;
}

/** The overrides one note's frontmatter declares; null when it has no `attack-coverage-fields` key. */
export function fieldOverridesFromFrontmatter(fm: Record<string, unknown> | null | undefined): ParsedFieldOverrides | null {
  if (!fm) return null;
  const key = Object.keys(fm).find((k) => k.toLowerCase() === FIELD_OVERRIDES_KEY);
  if (key === undefined) return null;
  const raw = fm[key];
  const overrides: Record<string, string> = {};
  const problems: string[] = [];
  const put = (alias: string, concept: string, where: string): void => {
    if (!alias || !concept) {
      problems.push(`${where}: needs both a field name and a concept`);
      return;
    }
    const prev = Object.keys(overrides).find((a) => a.toLowerCase() === alias.toLowerCase());
    if (prev !== undefined && overrides[prev] !== concept) problems.push(`"${alias}" is mapped twice (${overrides[prev] ?? ''}, ${concept}); the last wins`);
    if (prev !== undefined) delete overrides[prev];
    overrides[alias] = concept;
  };
  if (raw === null || raw === undefined || raw === '') return { overrides, problems };
  if (isMap(raw)) {
    for (const [k, v] of Object.entries(raw)) {
      if (Array.isArray(v)) for (const alias of v) put(text(alias), k.trim(), `"${k}"`);
      else if (text(v)) put(k.trim(), text(v), `"${k}"`);
      else problems.push(`"${k}": expected a concept name or a list of field names`);
    }
  } else if (Array.isArray(raw) || typeof raw === 'string') {
    for (const item of Array.isArray(raw) ? raw : [raw]) {
      if (isMap(item)) {
        for (const [k, v] of Object.entries(item)) put(k.trim(), text(v), `"${k}"`);
        continue;
      }
      const s = text(item);
      const pair = splitPair(s);
      if (pair) put(pair[0], pair[1], `"${s}"`);
      else problems.push(`"${s}": expected "field = Concept"`);
    }
  } else {
    problems.push(`${FIELD_OVERRIDES_KEY} should be a map of field → concept`);
  }
  return { overrides, problems };
}

/**
 * Several sources merged in order (later wins): e.g. plugin settings, then override notes by path.
 * Keys are compared case-insensitively.
 */
export function mergeFieldOverrides(...layers: Array<FieldOverrides | undefined>): Record<string, string> {
  const out = new Map<string, [string, string]>();
  for (const layer of layers) for (const [a, c] of Object.entries(layer ?? {})) if (typeof c === 'string' && a.trim() && c.trim()) out.set(a.trim().toLowerCase(), [a.trim(), c.trim()]);
  return Object.fromEntries([...out.values()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
