import type { Loc } from '../metadata';
import { LineIndex, lineAt, type Line } from './position';

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
  indent: number;
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
      if (q.depth < open.depth) {
        // The blockquote ended, so does the block inside it; this line may open another one.
        finish(open, line.start, open.lastEnd);
        open = null;
      } else {
        const first = afterIndent(text, q.after, line.end);
        const rest = text.slice(q.after, line.end);
        const close = first === 96 || first === 126 ? CLOSE.exec(rest) : null;
        if (close && close[1]?.[0] === open.char && close[1].length >= open.len) {
          finish(open, line.start, q.after + rest.trimEnd().length);
          open = null;
        } else {
          // Drop up to the opening fence's indentation, as CommonMark does.
          let strip = 0;
          while (strip < open.indent && rest.charCodeAt(strip) === 32) strip++;
          (open.lines ??= []).push(strip ? rest.slice(strip) : rest);
          open.lastEnd = line.end;
        }
        continue;
      }
    }
    const q = quotePrefix(text, line.start, line.end, Infinity);
    const first = afterIndent(text, q.after, line.end);
    if (first !== 96 && first !== 126) continue;
    const m = OPEN.exec(text.slice(q.after, line.end));
    if (!m) continue;
    const indent = m[1] ?? '';
    const fence = m[2] ?? '';
    const info = m[3] ?? '';
    if (fence[0] === '`' && info.includes('`')) continue; // not a fence: backtick info strings cannot hold backticks
    open = {
      char: fence[0] ?? '`',
      len: fence.length,
      indent: indent.length,
      depth: q.depth,
      lineStart: line.start,
      fenceStart: q.after + indent.length,
      info,
      contentStart: line.next,
      lines: q.depth || indent.length ? [] : null,
      lastEnd: line.end,
    };
  }
  if (open) finish(open, text.length, open.lastEnd); // an unclosed block runs to the end of the file
  return blocks;
}
