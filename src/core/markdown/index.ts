/**
 * Reads Markdown the way Obsidian's MetadataCache does, and escapes text for the Markdown the product
 * writes. Pure TypeScript: no Node built-ins, no `obsidian`.
 */
export { findCodeBlocks, type CodeBlock } from './code-blocks';
export { escapeMarkdown } from './escape';
export { findFrontmatter, type FrontmatterBlock } from './frontmatter';
export { bodyLinks, frontmatterLinks, splitWikilink, wikiDisplay } from './links';
export { LineIndex } from './position';
export { readForIndex, readMarkdown, type FrontmatterReader } from './read';
export {
  bodyTags,
  dataviewTags,
  getAllTags,
  isValidTagBody,
  normalizeTag,
  parseFrontMatterTags,
  frontmatterTagBodies,
  skippedRanges,
  tagMatches,
} from './tags';
export type { Range } from './blocks';
