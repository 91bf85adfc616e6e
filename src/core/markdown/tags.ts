import type { MetadataLike, TagCacheLike } from '../metadata';
import { scanBlocks, type Range } from './blocks';
import { scanCodeBlocks } from './code-blocks';
import { findFrontmatter } from './frontmatter';
import { scanInline, TAG_STOP } from './inline';
import { LineIndex } from './position';

/** A tag without its '#': Obsidian's tag characters only (Unicode letters, digits, _ - / and symbols), not all digits. */
export function isValidTagBody(s: string): boolean {
  return s !== '' && !TAG_STOP.test(s) && !/^\d+$/.test(s);
}

/** Offsets that body scanning must skip: the frontmatter block, then code, math and comment blocks. */
export function skippedRanges(text: string, index = new LineIndex(text)): { bodyStart: number; ranges: Range[] } {
  const fm = findFrontmatter(text);
  const bodyStart = fm ? fm.bodyStart : 0;
  const blocks = scanBlocks(text, bodyStart, scanCodeBlocks(text, bodyStart, index));
  const ranges: Range[] = fm ? [[0, fm.bodyStart], ...blocks.opaque] : blocks.opaque;
  return { bodyStart, ranges };
}

/**
 * `#tag` occurrences in a note's body, with positions, as in `cache.tags`. `ranges` are sorted [start, end)
 * offsets to skip; when omitted they are found here (frontmatter and code, math and comment blocks).
 * Inline code, comments, math, wikilinks and link targets are always skipped.
 */
export function bodyTags(text: string, ranges?: readonly Range[]): TagCacheLike[] {
  const index = new LineIndex(text);
  const skip = ranges ?? skippedRanges(text, index).ranges;
  const tags: TagCacheLike[] = [];
  for (const t of scanInline(text, 0, skip)) {
    if (t.kind === 'tag') tags.push({ tag: t.tag, position: index.pos(t.start, t.end) });
  }
  return tags;
}

function own(o: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined;
}

/**
 * Obsidian's `parseFrontMatterTags`, as recorded: keys `tags` and `tag` (case-sensitive); each list item,
 * or a one-line string as a whole, counts if it is a valid tag (so `tags: a, b` gives []); numbers and
 * objects are ignored. Null when there is no such key or its value is empty.
 */
export function parseFrontMatterTags(frontmatter: Record<string, unknown> | null | undefined): string[] | null {
  return frontmatterTagBodies(frontmatter)?.map((t) => '#' + t) ?? null;
}

/** The same tags without their '#' (what the index stores; saves building and stripping the prefix). */
export function frontmatterTagBodies(frontmatter: Record<string, unknown> | null | undefined): string[] | null {
  if (!frontmatter) return null;
  let result: string[] | null = null;
  for (const key of TAG_KEYS) {
    const value = own(frontmatter, key);
    if (value === undefined || value === null) continue;
    result ??= [];
    for (const item of Array.isArray(value) ? value : [value]) {
      if (typeof item !== 'string') continue;
      const trimmed = item.trim();
      const body = trimmed.charCodeAt(0) === 35 ? trimmed.slice(1) : trimmed; // '#'
      if (isValidTagBody(body)) result.push(body);
    }
  }
  return result;
}

const TAG_KEYS = ['tags', 'tag'];

/** Obsidian's `getAllTags`: frontmatter tags, then body tags, all with '#', not deduplicated. */
export function getAllTags(cache: MetadataLike): string[] {
  return [...(parseFrontMatterTags(cache.frontmatter) ?? []), ...(cache.tags ?? []).map((t) => t.tag)];
}

/** Caps how many frontmatter values Dataview-style flattening visits (YAML aliases can fan out). */
const MAX_VALUES = 10_000;

/**
 * Dataview's tags for a page: frontmatter keys `tags`/`tag` in any case, strings split on commas and
 * whitespace, arrays flattened; then body tags. Returned without '#', deduplicated case-insensitively,
 * first spelling kept. A value on its own is written out (`tags: 0` is the tag `0`), but a list drops its
 * falsy entries (`0`, `false`, `""`, `.nan`), as Dataview's `splitFrontmatterTagOrAlias` does. Unlike
 * Dataview, objects are ignored rather than stringified (their text, `[object Object]`, is no tag a FROM
 * clause can name).
 */
export function dataviewTags(
  frontmatter: Record<string, unknown> | null | undefined,
  bodyTagList: ReadonlyArray<string | TagCacheLike> = [],
): string[] {
  const raw: string[] = [];
  let budget = MAX_VALUES;
  const collect = (v: unknown): void => {
    if (budget-- <= 0 || v === null || v === undefined) return;
    if (Array.isArray(v)) {
      for (const item of v) if (item) collect(item);
    } else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
      for (const part of String(v).split(/[,\s]+/)) if (part !== '') raw.push(part);
    }
  };
  if (frontmatter) {
    for (const key of Object.keys(frontmatter)) {
      const k = key.toLowerCase();
      if (k === 'tags' || k === 'tag') collect(frontmatter[key]);
    }
  }
  for (const t of bodyTagList) raw.push(typeof t === 'string' ? t : t.tag);

  const seen = new Set<string>();
  const out: string[] = [];
  for (const t of raw) {
    const tag = t.replace(/^#/, '');
    const key = tag.toLowerCase();
    if (tag === '' || seen.has(key)) continue;
    seen.add(key);
    out.push(tag);
  }
  return out;
}

/** Strip one leading '#' and lower-case: the form tags are compared in. */
export function normalizeTag(t: string): string {
  return t.replace(/^#/, '').toLowerCase();
}

/** Dataview/Obsidian tag search: case-insensitive, and a nested tag matches its parents (`#a/b` matches `#a`). */
export function tagMatches(noteTag: string, queryTag: string): boolean {
  const note = normalizeTag(noteTag);
  const query = normalizeTag(queryTag);
  return query !== '' && (note === query || note.startsWith(query + '/'));
}
