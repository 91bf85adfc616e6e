import type { CodeBlock } from './code-blocks';
import type { IndexMetadata, LinkCacheLike, MetadataLike, SectionCacheLike, TagCacheLike } from '../metadata';
import { scanBlocks, type BlockScan, type Range } from './blocks';
import { scanCodeBlocks } from './code-blocks';
import { findFrontmatter, type FrontmatterBlock } from './frontmatter';
import { mayHoldTag, scanInline, type InlineToken } from './inline';
import { frontmatterLinks } from './links';
import { LineIndex } from './position';

/**
 * Parses a note's frontmatter (the CLI plugs in gray-matter + js-yaml; core never parses YAML itself).
 * `data` is null when there is no frontmatter, it is empty, or it is not a key/value map.
 */
export type FrontmatterReader = (text: string) => {
  data: Record<string, unknown> | null;
  /** Offset just after the closing `---` line (after its line break), 0 if none. */
  yamlEnd: number;
  error?: string;
};

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Builds from a note's text the metadata Obsidian's MetadataCache would hold for it (see
 * test/markdown for the recordings it is checked against). Never throws on bad input: YAML errors and
 * other oddities come back as `problems`. Offsets refer to the original text (BOM and CRLF included).
 * `codeBlocks` are the fenced blocks found on the way (FencedBlock extends CodeBlock), so callers that
 * need them (embedded rules, query blocks) do not scan the text again.
 */
export function readMarkdown(text: string, readFrontmatter: FrontmatterReader): { cache: MetadataLike; problems: string[]; codeBlocks: CodeBlock[] } {
  const { fm, frontmatter, problems, fenced, blocks, index } = readBlocks(text, readFrontmatter);
  const tokens = inlineTokens(text, fm, blocks);
  const cache: MetadataLike = { frontmatter: null };
  const sections: SectionCacheLike[] = [];
  if (fm) {
    sections.push({ type: 'yaml', position: index.pos(fm.start, fm.end) });
    if (frontmatter) {
      cache.frontmatter = frontmatter;
      cache.frontmatterPosition = index.pos(fm.start, fm.end);
      cache.frontmatterLinks = frontmatterLinks(frontmatter);
    }
  }
  for (const s of blocks.sections) sections.push({ type: s.type, position: index.pos(s.start, s.end) });

  const tags: TagCacheLike[] = [];
  const links: LinkCacheLike[] = [];
  const embeds: LinkCacheLike[] = [];
  for (const t of tokens) {
    const position = index.pos(t.start, t.end);
    if (t.kind === 'tag') tags.push({ tag: t.tag, position });
    else (t.kind === 'embed' ? embeds : links).push({ link: t.link, original: t.original, displayText: t.displayText, position });
  }

  // Like Obsidian, leave out empty lists.
  if (tags.length) cache.tags = tags;
  if (links.length) cache.links = links;
  if (embeds.length) cache.embeds = embeds;
  if (blocks.headings.length) {
    cache.headings = blocks.headings.map((h) => ({ heading: h.heading, level: h.level, position: index.pos(h.start, h.end) }));
  }
  if (sections.length) cache.sections = sections;
  return { cache, problems, codeBlocks: fenced };
}

/**
 * The same reading cut down to what the coverage index uses (frontmatter, tags, headings, code blocks):
 * no positions, sections, links or embeds. The tags and headings are exactly `readMarkdown`'s.
 */
export function readForIndex(text: string, readFrontmatter: FrontmatterReader): { cache: IndexMetadata; problems: string[]; codeBlocks: CodeBlock[] } {
  const { fm, frontmatter, problems, fenced, blocks } = readBlocks(text, readFrontmatter);
  const cache: IndexMetadata = { frontmatter };
  const tags: Array<{ tag: string }> = [];
  // Only tags are wanted from the inline pass; most notes (rule notes above all) cannot hold one.
  if (mayHoldTag(text, fm ? fm.bodyStart : 0)) {
    for (const t of inlineTokens(text, fm, blocks)) if (t.kind === 'tag') tags.push({ tag: t.tag });
  }
  if (tags.length) cache.tags = tags;
  if (blocks.headings.length) cache.headings = blocks.headings.map((h) => ({ heading: h.heading, level: h.level }));
  return { cache, problems, codeBlocks: fenced };
}

/** The passes both readers share: frontmatter, fenced code and blocks, all in offsets. */
function readBlocks(text: string, readFrontmatter: FrontmatterReader) {
  const problems: string[] = [];
  const index = new LineIndex(text);
  const fm = findFrontmatter(text);
  let frontmatter: Record<string, unknown> | null = null;
  if (fm) {
    let result: ReturnType<FrontmatterReader>;
    try {
      result = readFrontmatter(text);
    } catch (e) {
      result = { data: null, yamlEnd: 0, error: `Frontmatter could not be read: ${e instanceof Error ? e.message : String(e)}` };
    }
    if (result.error) problems.push(result.error);
    if (result.yamlEnd !== 0 && result.yamlEnd !== fm.bodyStart) {
      problems.push('Frontmatter reader and Obsidian disagree on where the frontmatter ends');
    }
    // As recorded, an empty block (`---\n---`) gives no frontmatter and no frontmatterPosition.
    if (isRecord(result.data)) frontmatter = result.data;
  }
  const bodyStart = fm ? fm.bodyStart : 0;
  const fenced = scanCodeBlocks(text, bodyStart, index);
  return { fm, frontmatter, problems, fenced, blocks: scanBlocks(text, bodyStart, fenced), index };
}

/** Tags, links and embeds outside the frontmatter and the opaque blocks. */
function inlineTokens(text: string, fm: FrontmatterBlock | null, blocks: BlockScan): InlineToken[] {
  const skip: Range[] = fm ? [[0, fm.bodyStart], ...blocks.opaque] : blocks.opaque;
  return scanInline(text, 0, skip);
}
