/** Reads generated notes back: the frontmatter as YAML, and the embedded ```yml blocks. */
import { load } from 'js-yaml';

export function frontmatter(note: string): Record<string, unknown> {
  const m = /^---\n([\s\S]*?)\n---\n/.exec(note);
  if (!m) throw new Error('note has no frontmatter');
  return load(m[1] as string) as Record<string, unknown>;
}

/** Bodies of the ```yml blocks, whatever the fence length. */
export function yamlBlocks(note: string): string[] {
  return [...note.matchAll(/^(`{3,})yml\n([\s\S]*?)\n\1$/gm)].map((m) => m[2] as string);
}
