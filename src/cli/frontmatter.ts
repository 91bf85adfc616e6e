/**
 * The CLI's only gray-matter call site. gray-matter is used with every code engine switched off (its
 * default `---js` engine calls eval) and with an options object (without one it caches every file's text
 * globally). YAML goes through js-yaml's CORE_SCHEMA, which keeps `created: 2020-03-09` a string, as Obsidian does.
 * Where the block starts and ends follows Obsidian (findFrontmatter), not gray-matter.
 */
import matter from 'gray-matter';
import * as yaml from 'js-yaml';
import { findFrontmatter, type FrontmatterReader } from '../core/markdown';

/** The YAML engine's raw result for the current call: gray-matter itself must be handed an object. */
let raw: unknown;

/** Blank or comment-only YAML: js-yaml 5 throws on it, Obsidian sees no frontmatter. */
function isBlankYaml(s: string): boolean {
  return s.split('\n').every((l) => /^[ \t]*(#.*)?\r?$/.test(l));
}

const disabled = (): object => ({});
const options = {
  engines: {
    yaml: (s: string): object => {
      // maxAliases: a note has no need for YAML "billion laughs" fan-out, which later traversals would pay for.
      raw = isBlankYaml(s) ? null : yaml.load(s, { schema: yaml.CORE_SCHEMA, maxAliases: 100 });
      return typeof raw === 'object' && raw !== null ? raw : {};
    },
    js: disabled,
    javascript: disabled,
  },
};

function kind(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'string' ? 'a string' : typeof v === 'number' ? 'a number' : typeof v === 'boolean' ? 'a boolean' : typeof v;
}

/** Parses one frontmatter block (`---\n…\n---\n`) with gray-matter. Exported for tests. */
export function parseFrontmatterBlock(block: string): { data: Record<string, unknown> | null; error?: string } {
  raw = undefined;
  try {
    matter(block, options);
  } catch (e) {
    if (e instanceof yaml.YAMLException) {
      // gray-matter hands the engine the text after the opening `---`, its line break included, so the
      // 0-based mark.line is the note's 0-based line: add one for people.
      const line = e.mark ? ` at line ${e.mark.line + 1}` : '';
      return { data: null, error: `Frontmatter YAML error${line}: ${e.reason}` };
    }
    return { data: null, error: `Frontmatter could not be read: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (raw === undefined || raw === null) return { data: null };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    return { data: null, error: `Frontmatter is ${kind(raw)}, not a list of properties; ignored` };
  }
  return { data: raw as Record<string, unknown> };
}

export const readFrontmatter: FrontmatterReader = (text) => {
  const fm = findFrontmatter(text);
  if (!fm) return { data: null, yamlEnd: 0 };
  // gray-matter would end the block at such a line; for YAML it starts a second document, which Obsidian rejects too.
  if (/(^|\n)---/.test(fm.yaml)) return { data: null, yamlEnd: fm.bodyStart, error: 'Frontmatter YAML error: a line inside it starts with ---' };
  return { ...parseFrontmatterBlock(`---\n${fm.yaml}---\n`), yamlEnd: fm.bodyStart };
};
