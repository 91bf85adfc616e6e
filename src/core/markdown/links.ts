import type { FrontmatterLinkLike, LinkCacheLike } from '../metadata';
import type { Range } from './blocks';
import { scanInline, splitWikilink, wikiDisplay } from './inline';
import { LineIndex } from './position';
import { skippedRanges } from './tags';

export { splitWikilink, wikiDisplay } from './inline';

/**
 * Wikilinks, embeds and internal markdown links in a note's body, with positions and display text as
 * Obsidian records them. External URLs (any `scheme:`) and empty targets are left out. `ranges` as in `bodyTags`.
 */
export function bodyLinks(text: string, ranges?: readonly Range[]): { links: LinkCacheLike[]; embeds: LinkCacheLike[] } {
  const index = new LineIndex(text);
  const skip = ranges ?? skippedRanges(text, index).ranges;
  const links: LinkCacheLike[] = [];
  const embeds: LinkCacheLike[] = [];
  for (const t of scanInline(text, 0, skip)) {
    if (t.kind === 'tag') continue;
    const link: LinkCacheLike = { link: t.link, original: t.original, displayText: t.displayText, position: index.pos(t.start, t.end) };
    (t.kind === 'embed' ? embeds : links).push(link);
  }
  return { links, embeds };
}

const WHOLE_WIKILINK = /^\[\[([^\n]*?)\]\]$/;

function propertyLink(key: string, value: unknown): FrontmatterLinkLike | null {
  if (typeof value !== 'string') return null;
  const m = WHOLE_WIKILINK.exec(value);
  const inner = m?.[1];
  if (!inner || inner.includes('[[') || inner.includes(']]')) return null;
  const { link, alias } = splitWikilink(inner);
  return { key, link, original: value, displayText: wikiDisplay(link, alias) };
}

/**
 * Obsidian's `frontmatterLinks`: property values that are exactly one wikilink. List items are keyed
 * `key.0`, `key.1`, … as recorded.
 */
export function frontmatterLinks(frontmatter: Record<string, unknown> | null | undefined): FrontmatterLinkLike[] {
  const out: FrontmatterLinkLike[] = [];
  if (!frontmatter) return out;
  for (const [key, value] of Object.entries(frontmatter)) {
    const items = Array.isArray(value) ? value.map((v, i) => [`${key}.${i}`, v] as const) : [[key, value] as const];
    for (const [k, v] of items) {
      const link = propertyLink(k, v);
      if (link) out.push(link);
    }
  }
  return out;
}
