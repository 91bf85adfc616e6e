import { CORE_SCHEMA, load } from 'js-yaml';

/**
 * YAML as Obsidian reads it: the core schema keeps `2020-03-09` a string (no Date objects).
 * Used for frontmatter and for rules embedded in notes.
 */
export function parseYamlCore(text: string): unknown {
  return load(text, { schema: CORE_SCHEMA });
}
