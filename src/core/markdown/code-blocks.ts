import type { Loc } from '../metadata';
import { LIST, LineIndex, isBlank, leading, lineAt, listItem, type Line } from './position';

export interface CodeBlock {
  /** First word of the info string, lower-cased ('' when none). */
  lang: string;
  /** The whole info string, trimmed. */
  info: string;
  /** The lines between the fences, with blockquote markers and the fence's own indentation removed. */
  content: string;
  /** Position of the first fence character. */
  start: Loc;
  /** End of the closing fence (or of the last line, when the block is never closed). */
  end: Loc;
  /** Offsets in the original text of the first content line and of the closing fence line. */
  contentStart: number;
  contentEnd: number;
}

/** Internal view with what the section scanner needs. */
export interface FencedBlock extends CodeBlock {
  /** Start of the line holding the opening fence. */
  lineStart: number;
  /** Blockquote/callout nesting of the block (0 = top level). */
  quoteDepth: number;
}

const OPEN = /^( {0,3})(`{3,}|~{3,})(.*)$/;
const CLOSE = /^ {0,3}(`{3,}|~{3,})[ \t]*$/;

/**
 * Reads up to `max` blockquote markers (each: up to 3 spaces, '>', one optional space or tab) from a line.
 * Returns how many were found and the offset after them.
 */
export function quotePrefix(text: string, start: number, end: number, max: number): { depth: number; after: number } {
  let depth = 0;
  let at = start;
  while (depth < max) {
    let p = at;
    while (p < end && p - at < 3 && text.charCodeAt(p) === 32) p++;
    if (p >= end || text.charCodeAt(p) !== 62 /* > */) break;
    p++;
    if (p < end && (text.charCodeAt(p) === 32 || text.charCodeAt(p) === 9)) p++;
    at = p;
    depth++;
  }
  return { depth, after: at };
}

/** Fenced code blocks (``` or ~~~), including those inside blockquotes and callouts. Offsets are absolute in `text`. */
export function findCodeBlocks(text: string, from = 0): CodeBlock[] {
  return scanCodeBlocks(text, from, new LineIndex(text)).map(
    ({ lang, info, content, start, end, contentStart, contentEnd }): CodeBlock => ({ lang, info, content, start, end, contentStart, contentEnd }),
  );
}

interface Open {
  char: string;
  len: number;
  /** Columns of indentation the opening fence has: as many are dropped from each content line. */
  indent: number;
  /** Content column of the list item holding the block (0 when it is in none): a line indented less ends it. */
  listCol: number;
  depth: number;
  lineStart: number;
  fenceStart: number;
  info: string;
  contentStart: number;
  /** Content lines as cut, for blocks in quotes or with indented fences; null when they are the text as it stands. */
  lines: string[] | null;
  lastEnd: number;
}

/** text[from, to) as lines joined by '\n': what cutting it into lines (lineAt drops '\r' before '\n') and joining gives. */
function linesAsIs(text: string, from: number, to: number): string {
  if (to <= from) return '';
  const end = text.charCodeAt(to - 1) === 13 && to - 1 >= from ? to - 1 : to;
  const s = text.slice(from, end);
  return s.includes('\r') ? s.replace(/\r\n/g, '\n') : s;
}

/** Offset of the next ``` or ~~~ at or after `from` (-1 if none), remembering earlier answers so that the scan stays linear. */
function fenceFinder(text: string): (from: number) => number {
  let tick = -2;
  let tilde = -2;
  return (from) => {
    if (tick !== -1 && tick < from) tick = text.indexOf('```', from);
    if (tilde !== -1 && tilde < from) tilde = text.indexOf('~~~', from);
    return tick === -1 ? tilde : tilde === -1 ? tick : Math.min(tick, tilde);
  };
}

/** First character code of a line after up to three spaces, or -1: a fence line must start with ` or ~ there. */
function afterIndent(text: string, start: number, end: number): number {
  let p = start;
  while (p < end && p - start < 3 && text.charCodeAt(p) === 32) p++;
  return p < end ? text.charCodeAt(p) : -1;
}

/** End of the text's last line (lineAt's `end`): a final line break ends the line before it. */
function lastLineEnd(text: string): number {
  const last = text.charCodeAt(text.length - 1) === 10 ? text.lastIndexOf('\n', text.length - 2) + 1 : text.lastIndexOf('\n') + 1;
  return lineAt(text, last).end;
}

/** `s` without its first `cols` columns of leading spaces and tabs (tabs to the next multiple of 4). */
function stripColumns(s: string, cols: number): string {
  let col = 0;
  let i = 0;
  for (; i < s.length && col < cols; i++) {
    const c = s.charCodeAt(i);
    const next = c === 32 ? col + 1 : c === 9 ? col + 4 - (col % 4) : Infinity;
    // A tab that reaches past the cut keeps its remaining columns as spaces (CommonMark).
    if (next > cols) return c === 9 ? ' '.repeat(next - cols) + s.slice(i + 1) : s.slice(i);
    col = next;
  }
  return i ? s.slice(i) : s;
}

/** How far up `listContentColumn` looks for the list item holding a line; past that the line counts as in none. */
const MAX_LIST_WALK = 400;
/**
 * Lines `listContentColumn` may look at in one note, all walks together. Notes hold few indented fences, so
 * this is never reached in practice; a note made of thousands of them stays linear (its later ones then count
 * as in no list).
 */
const LIST_WALK_BUDGET = 200_000;

/**
 * What the walks up a note share: the lines they may still look at, and whether each deeply indented list
 * marker found so far under a lazy line (by its line's start) is an item inside another.
 */
interface Walks {
  left: number;
  held: Map<number, boolean>;
}

/**
 * CommonMark: a line indented `width` columns (4 or more, or with tabs) is a fence only inside a list item whose
 * content starts at most three columns to its left. Returns that item's content column, or -1 when the line is
 * in no such item: walking up, every non-blank line must stay inside the item (indented at least as far as
 * its content) or be a lazy continuation, up to the item's own first line. Where it cannot tell (lazy lines under
 * indented text it cannot place, walks past MAX_LIST_WALK lines) the line counts as in no list, as before.
 * `blocks` up to `last` are those found above the line; `depth` counts the walks this one is nested in.
 */
function listContentColumn(
  text: string,
  lineStart: number,
  width: number,
  from: number,
  blocks: readonly FencedBlock[],
  budget: Walks,
  last = blocks.length - 1,
  depth = 0,
): number {
  let found = -1;
  let k = last;
  let blank = false; // whether the line just below the current one is blank
  let target = width; // indentation of the line whose item is sought: the fence's, then a nested marker's
  let min = width;
  let at = lineStart;
  for (let n = 0; n < MAX_LIST_WALK && at > from && budget.left-- > 0; n++) {
    let start = at >= 2 ? Math.max(from, text.lastIndexOf('\n', at - 2) + 1) : 0;
    // The lines of a block found earlier are code: only its opening fence line counts, like any other line.
    const b = blocks[k];
    if (b && start >= b.lineStart && start <= b.end.offset) {
      start = b.lineStart;
      k--;
    }
    const line = lineAt(text, start);
    at = line.start;
    const below = blank;
    blank = isBlank(text, line.start, line.end);
    if (blank) continue;
    const s = text.slice(line.start, line.end);
    const ind = leading(s);
    const item = listItem(s);
    if (item) {
      const { col } = item;
      // An item holds the line when every line between is indented as far as its content (else it ended);
      // an item with nothing on its first line ends at a blank line right after it.
      if (target >= col && min >= col && !(item.empty && below)) {
        if (target > col + 3) return -1;
        // An empty item, or one numbered other than 1, cannot interrupt a paragraph: right under text it is text.
        const weak = item.empty || (item.number !== null && item.number !== 1);
        if (weak && line.start > from && !isBlank(text, text.lastIndexOf('\n', line.start - 2) + 1, line.start - 1)) return -1;
        if (found === -1) found = col;
        // A marker indented four columns or more is a list item only inside another one.
        if (ind.width < 4) return found;
        target = ind.width;
      }
    } else if (ind.width < min && lazyLine(text, line.start, s.slice(ind.length), from, blocks, k, budget, depth)) continue;
    else if (ind.width === 0) return -1;
    min = Math.min(min, ind.width);
  }
  return -1;
}

/** Lines that cannot continue a paragraph: fences, headings, quotes, rules and setext underlines. */
const NOT_PARAGRAPH = /^(?:`{3}|~{3}|#{1,6}(?:[ \t]|$)|>|[-=*_ \t]+$)/;

/** How many walks up `lazyLine` may nest to tell a deeply indented list marker from code; past that it cannot tell. */
const MAX_LAZY_DEPTH = 8;

/**
 * Whether a line (`rest`: without its indentation) may be a lazy continuation: paragraph text right under
 * paragraph text (not code of `blocks[k]`, the block found last above it). Such a line does not end the list
 * item it continues, however little it is indented. A line indented less than four columns is surely not
 * indented code; indented four columns or more, a list item's first line holding text is text when the item is
 * inside another within three columns of its content (found by walking up from it), and any line is text when
 * right under paragraph text (indented code cannot interrupt a paragraph), so the lines above are followed up.
 */
function lazyLine(
  text: string,
  lineStart: number,
  rest: string,
  from: number,
  blocks: readonly FencedBlock[],
  k: number,
  budget: Walks,
  depth: number,
): boolean {
  if (NOT_PARAGRAPH.test(rest)) return false;
  const block = blocks[k];
  for (let at = lineStart; at > from && budget.left-- > 0; ) {
    const above = lineAt(text, at >= 2 ? Math.max(from, text.lastIndexOf('\n', at - 2) + 1) : 0);
    if (isBlank(text, above.start, above.end)) return false;
    // Code of the last block above, or any line at or above it once the text above is followed further up.
    if (block && above.start <= block.end.offset && (above.start >= block.lineStart || at !== lineStart)) return false;
    const s = text.slice(above.start, above.end);
    const ind = leading(s);
    if (NOT_PARAGRAPH.test(s.slice(ind.length))) return false;
    if (ind.width < 4) return true;
    const marker = LIST.exec(s);
    if (marker) {
      const content = s.slice(marker[0].length);
      const cind = leading(content);
      // No text on the item's first line (nothing, indented code or another block): nothing to continue.
      if (cind.first === -1 || cind.width >= 4 || NOT_PARAGRAPH.test(content.slice(cind.length))) return false;
      let held = budget.held.get(above.start);
      if (held === undefined && depth < MAX_LAZY_DEPTH) {
        held = listContentColumn(text, above.start, ind.width, from, blocks, budget, k, depth + 1) !== -1;
        budget.held.set(above.start, held);
      }
      if (held) return true;
    }
    at = above.start;
  }
  return false;
}

/** The first line at or after `from` that closes `open` (same fence character, at least as long), if any. */
function closingLine(text: string, open: Open, from: number): { line: Line; fenceEnd: number } | null {
  const run = open.char.repeat(3);
  for (let p = text.indexOf(run, from); p !== -1; ) {
    const line = lineAt(text, text.lastIndexOf('\n', p - 1) + 1);
    const rest = text.slice(line.start, line.end);
    const close = CLOSE.exec(rest);
    if (close && close[1]?.[0] === open.char && close[1].length >= open.len) return { line, fenceEnd: line.start + rest.trimEnd().length };
    p = line.next < text.length ? text.indexOf(run, line.next) : -1;
  }
  return null;
}

export function scanCodeBlocks(text: string, from: number, index: LineIndex): FencedBlock[] {
  const blocks: FencedBlock[] = [];
  let open: Open | null = null;
  const nextFence = fenceFinder(text);
  const walkBudget: Walks = { left: LIST_WALK_BUDGET, held: new Map() };

  const finish = (o: Open, contentEnd: number, end: number) => {
    const info = o.info.trim();
    blocks.push({
      lang: (info.split(/\s+/)[0] ?? '').toLowerCase(),
      info,
      content: o.lines ? o.lines.join('\n') : linesAsIs(text, o.contentStart, o.lastEnd),
      start: index.loc(o.fenceStart),
      end: index.loc(end),
      contentStart: o.contentStart,
      contentEnd,
      lineStart: o.lineStart,
      quoteDepth: o.depth,
    });
  };

  for (let at = from; at < text.length; ) {
    if (!open) {
      // Outside a block only a line holding ``` or ~~~ can open one: go straight to the next such line.
      const fence = nextFence(at);
      if (fence === -1) break;
      at = Math.max(at, text.lastIndexOf('\n', fence - 1) + 1);
    }
    if (open && !open.lines) {
      // A top-level block with an unindented fence ends only at a closing fence line, and its lines are
      // taken as they stand: go from one run of its fence character to the next.
      const closer = closingLine(text, open, at);
      if (!closer) {
        // Never closed: the block runs to the end of the file.
        if (text.length > open.contentStart) open.lastEnd = lastLineEnd(text);
        break;
      }
      if (closer.line.start > open.contentStart) open.lastEnd = closer.line.start - 1;
      finish(open, closer.line.start, closer.fenceEnd);
      open = null;
      at = closer.line.next;
      continue;
    }
    const line = lineAt(text, at);
    at = line.next;
    if (open) {
      const q = open.depth ? quotePrefix(text, line.start, line.end, open.depth) : { depth: 0, after: line.start };
      const rest = text.slice(q.after, line.end);
      const ind = open.listCol ? leading(rest) : null;
      if (q.depth < open.depth || (ind && ind.first !== -1 && ind.width < open.listCol)) {
        // The blockquote or list item ended, so does the block inside it; this line may open another one.
        finish(open, line.start, open.lastEnd);
        open = null;
      } else {
        // A closing fence is indented at most three columns past the content of the block's container.
        const first = ind ? (ind.width <= open.listCol + 3 ? ind.first : -1) : afterIndent(text, q.after, line.end);
        const close = first === 96 || first === 126 ? CLOSE.exec(ind ? rest.slice(ind.length) : rest) : null;
        if (close && close[1]?.[0] === open.char && close[1].length >= open.len) {
          finish(open, line.start, q.after + rest.trimEnd().length);
          open = null;
        } else {
          // Drop up to the opening fence's indentation, as CommonMark does.
          (open.lines ??= []).push(stripColumns(rest, open.indent));
          open.lastEnd = line.end;
        }
        continue;
      }
    }
    const q = quotePrefix(text, line.start, line.end, Infinity);
    let first = afterIndent(text, q.after, line.end);
    let listCol = 0;
    let lead = q.after;
    const c0 = text.charCodeAt(line.start);
    if (q.depth === 0 && (c0 === 32 || c0 === 9)) {
      // An indented fence may belong to a list item (which then also ends the block); indented four columns
      // or more, or with a tab, it is a fence only there.
      const ind = leading(text.slice(line.start, line.end));
      if (ind.first !== 96 && ind.first !== 126) continue;
      const col = listContentColumn(text, line.start, ind.width, from, blocks, walkBudget);
      if (col !== -1) {
        listCol = col;
        first = ind.first;
        lead = line.start + ind.length;
      } else if (ind.width > 3) continue;
    }
    if (first !== 96 && first !== 126) continue;
    const m = OPEN.exec(text.slice(lead, line.end));
    if (!m) continue;
    const indent = m[1] ?? '';
    const fence = m[2] ?? '';
    const info = m[3] ?? '';
    if (fence[0] === '`' && info.includes('`')) continue; // not a fence: backtick info strings cannot hold backticks
    open = {
      char: fence[0] ?? '`',
      len: fence.length,
      indent: listCol ? leading(text.slice(line.start, lead)).width : indent.length,
      listCol,
      depth: q.depth,
      lineStart: line.start,
      fenceStart: lead + indent.length,
      info,
      contentStart: line.next,
      lines: q.depth || indent.length || listCol ? [] : null,
      lastEnd: line.end,
    };
  }
  if (open) finish(open, text.length, open.lastEnd); // an unclosed block runs to the end of the file
  return blocks;
}
