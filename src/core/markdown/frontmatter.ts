import { lineAt } from './position';

/** Where a note's frontmatter block sits, found with Obsidian's rule (not gray-matter's). */
export interface FrontmatterBlock {
  /** Offset of the opening `---` (1 when the file starts with a BOM). */
  start: number;
  /** Offset just after the closing `---` (before its line break), as in `frontmatterPosition.end`. */
  end: number;
  /** Offset just after the closing line's break: where the body starts. */
  bodyStart: number;
  /** The YAML between the delimiters, with CRLF turned into LF. */
  yaml: string;
}

const DELIMITER = /^---[ \t]*$/;

/**
 * Obsidian only treats a file as having frontmatter when its very first line is `---` and a later line is
 * exactly `---`. Unlike gray-matter, an unclosed block is no frontmatter, and `---js` or `----` never open one.
 */
export function findFrontmatter(text: string): FrontmatterBlock | null {
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const open = lineAt(text, start);
  if (open.next === open.end || !DELIMITER.test(text.slice(open.start, open.end))) return null;
  for (let at = open.next; at < text.length; ) {
    const line = lineAt(text, at);
    if (DELIMITER.test(text.slice(line.start, line.end))) {
      const yaml = text.slice(open.next, line.start).replace(/\r\n/g, '\n');
      return { start, end: line.start + 3, bodyStart: line.next, yaml };
    }
    at = line.next;
  }
  return null;
}
