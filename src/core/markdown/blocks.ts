import type { FencedBlock } from './code-blocks';
import { LIST, isBlank, leading, lineAt, listItem } from './position';

/** A block-level section or heading, in offsets (converted to positions by the caller). */
export interface RawSection {
  type: string;
  start: number;
  end: number;
}
export interface RawHeading {
  heading: string;
  level: number;
  start: number;
  end: number;
}
/** Half-open offset range [start, end) that inline scanning must not look into. */
export type Range = readonly [number, number];

export interface BlockScan {
  sections: RawSection[];
  headings: RawHeading[];
  /** Code, math and comment blocks, sorted and merged. */
  opaque: Range[];
}

const ATX = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$/;
const SETEXT = /^ {0,3}(=+|-+)[ \t]*$/;
const HR = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const QUOTE = /^ {0,3}>/;
const CALLOUT = /^ {0,3}>[ \t]*\[!/;
const TABLE_DELIMITER = /^[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/;
const HTML = /^ {0,3}<(?:!--|\/?[A-Za-z][A-Za-z0-9-]*(?:[\s/>]|$))/;
const MATH = /^ {0,3}\$\$/;
const COMMENT = /^ {0,3}%%/;

// Character codes that can start a block construct once leading spaces are skipped; the block
// regexes below are only tried on lines that start with one of theirs.
const HASH = 35;
const GT = 62;
const DOLLAR = 36;
const PERCENT = 37;
const LT = 60;
const isRuleChar = (c: number): boolean => c === 45 || c === 42 || c === 95; // - * _
const isSetextChar = (c: number): boolean => c === 61 || c === 45; // = -
const isListChar = (c: number): boolean => c === 45 || c === 43 || c === 42 || (c >= 48 && c <= 57); // - + * digit

/** ATX heading text: trimmed, without an optional closing run of '#'. */
function atxText(raw: string | undefined): string {
  const t = (raw ?? '').trim();
  if (/^#+$/.test(t)) return '';
  return t.replace(/[ \t]+#+$/, '');
}

/**
 * A line-based pass over the body that finds Obsidian's sections (yaml is added by the caller), headings and
 * the blocks whose text holds no tags or links. It follows CommonMark closely enough for notes in the wild;
 * it is linear in the size of the text.
 */
export function scanBlocks(text: string, bodyStart: number, fenced: readonly FencedBlock[]): BlockScan {
  const sections: RawSection[] = [];
  const headings: RawHeading[] = [];
  // Every fenced block is opaque, including those inside quotes and callouts.
  const opaque: [number, number][] = fenced.map((f) => [f.start.offset, f.end.offset]);
  let cur: RawSection | null = null;
  let curLines: string[] = []; // the current paragraph's lines, for setext headings and tables
  let blankInList = false;
  // Content columns of the list items open in the current list, innermost last, and whether the last line
  // was indented code inside one of them (four columns past its content, after a blank line).
  let itemCols: number[] = [];
  let listCode = false;
  let fb = 0;

  const close = () => {
    if (cur) {
      sections.push(cur);
      if (cur.type === 'code') opaque.push([cur.start, cur.end]);
    }
    cur = null;
    curLines = [];
    blankInList = false;
    itemCols = [];
    listCode = false;
  };
  const open = (type: string, start: number, end: number, s: string) => {
    close();
    cur = { type, start, end };
    curLines = [s];
  };
  /** Records a `$$` or `%%` block that opens at `from`; returns the end of its last line. */
  const delimited = (type: string, lineStart: number, from: number, delim: string): number => {
    close();
    const closeAt = text.indexOf(delim, from + 2);
    // Unclosed, it runs to the end of the note. Text after the closer on its line is still scanned inline.
    const end = closeAt === -1 ? text.length : lineAt(text, closeAt).end;
    sections.push({ type, start: lineStart, end });
    opaque.push([lineStart, closeAt === -1 ? text.length : closeAt + 2]);
    return end;
  };

  for (let at = bodyStart; at < text.length; ) {
    const line = lineAt(text, at);
    at = line.next;
    const s = text.slice(line.start, line.end);

    while (fb < fenced.length && (fenced[fb]?.lineStart ?? Infinity) < line.start) fb++;
    const f = fenced[fb];
    if (f && f.lineStart === line.start && f.quoteDepth === 0) {
      const c = cur as RawSection | null;
      if (c?.type === 'list' && /^\s/.test(s)) c.end = f.end.offset; // a fence inside a list item
      else {
        close();
        sections.push({ type: 'code', start: line.start, end: f.end.offset });
      }
      at = lineAt(text, f.end.offset).next;
      continue;
    }

    if (isBlank(text, line.start, line.end)) {
      const c = cur as RawSection | null;
      if (c?.type === 'list') blankInList = true;
      else if (c?.type !== 'code') close();
      continue;
    }

    const { width: indent, first } = leading(s);
    const atx = first === HASH ? ATX.exec(s) : null;
    const hr = isRuleChar(first) && HR.test(s);
    const quote = first === GT && QUOTE.test(s);
    const math = first === DOLLAR && MATH.test(s);
    const comment = first === PERCENT && COMMENT.test(s);
    let c = cur as RawSection | null;

    if (c?.type === 'list') {
      const blockStart = atx !== null || hr || quote || math || comment;
      const item = isListChar(first) && !hr ? listItem(s) : null;
      if (indent >= 2 || item || (!blankInList && !blockStart)) {
        c.end = line.end;
        const afterBreak: boolean = blankInList || listCode;
        // After a blank line, a line indented less than an item's content has left that item.
        if (item || afterBreak) while ((itemCols[itemCols.length - 1] ?? -1) > indent) itemCols.pop();
        if (item) itemCols.push(item.col);
        const top = itemCols[itemCols.length - 1];
        listCode = !item && afterBreak && top !== undefined && indent >= top + 4;
        if (listCode) opaque.push([line.start, line.end]);
        blankInList = false;
        continue;
      }
      close();
      c = null;
    }
    if (c?.type === 'code') {
      if (indent >= 4) {
        c.end = line.end;
        continue;
      }
      close();
      c = null;
    }

    if (atx) {
      close();
      sections.push({ type: 'heading', start: line.start, end: line.end });
      headings.push({ heading: atxText(atx[2]), level: atx[1]?.length ?? 1, start: line.start, end: line.end });
      continue;
    }
    const setext = isSetextChar(first) ? SETEXT.exec(s) : null;
    if (setext && c?.type === 'paragraph') {
      c.type = 'heading';
      c.end = line.end;
      headings.push({
        heading: curLines.map((l) => l.trim()).join(' '),
        level: setext[1]?.[0] === '=' ? 1 : 2,
        start: c.start,
        end: line.end,
      });
      close();
      continue;
    }
    if (hr) {
      close();
      sections.push({ type: 'thematicBreak', start: line.start, end: line.end });
      continue;
    }
    if (math) {
      at = lineAt(text, delimited('math', line.start, line.start + s.indexOf('$$'), '$$')).next;
      continue;
    }
    if (comment) {
      at = lineAt(text, delimited('comment', line.start, line.start + s.indexOf('%%'), '%%')).next;
      continue;
    }
    if (quote) {
      if (c?.type === 'blockquote' || c?.type === 'callout') c.end = line.end;
      else open(CALLOUT.test(s) ? 'callout' : 'blockquote', line.start, line.end, s);
      continue;
    }
    const list = isListChar(first) ? LIST.exec(s) : null;
    // An ordered item interrupts a paragraph only when it starts at 1 (CommonMark).
    if (list && indent <= 3 && !(c?.type === 'paragraph' && list[1] !== undefined && list[1] !== '1')) {
      open('list', line.start, line.end, s);
      itemCols = [listItem(s)?.col ?? indent + 2];
      continue;
    }
    if (c?.type === 'paragraph' && curLines.length === 1 && curLines[0]?.includes('|') && TABLE_DELIMITER.test(s) && s.includes('|')) {
      c.type = 'table';
      c.end = line.end;
      continue;
    }
    if (c) {
      // Paragraph text, lazy continuation of a quote, or more table/HTML rows.
      c.end = line.end;
      curLines.push(s);
      continue;
    }
    if (indent >= 4) open('code', line.start, line.end, s);
    else if (first === LT && HTML.test(s)) open('html', line.start, line.end, s);
    else open('paragraph', line.start, line.end, s);
  }
  close();

  opaque.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const r of opaque) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return { sections, headings, opaque: merged };
}
