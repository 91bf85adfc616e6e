import type { Loc, Pos } from '../metadata';

/** One line of text: [start, end) excludes the line break ("\n" or "\r\n"); `next` is where the next line starts. */
export interface Line {
  start: number;
  end: number;
  next: number;
}

export function lineAt(text: string, start: number): Line {
  const nl = text.indexOf('\n', start);
  let end = nl === -1 ? text.length : nl;
  if (end > start && text.charCodeAt(end - 1) === 13) end--; // CRLF: keep '\r' out of the line
  return { start, end, next: nl === -1 ? text.length : nl + 1 };
}

/**
 * Whether text[start, end) is empty or whitespace only, as `String.prototype.trim` judges it, without
 * slicing: spaces and tabs are checked in place and anything else non-ASCII falls back to trim.
 */
export function isBlank(text: string, start: number, end: number): boolean {
  for (let p = start; p < end; p++) {
    const c = text.charCodeAt(p);
    if (c === 32 || (c >= 9 && c <= 13)) continue;
    return c < 128 ? false : text.slice(p, end).trim() === '';
  }
  return true;
}

/** A list item's first line: indentation, then a bullet or `1.`/`1)` marker, then a space, a tab or the line's end. */
export const LIST = /^[ \t]*(?:[-+*]|(\d{1,9})[.)])(?:[ \t]|$)/;

/** Width of the leading spaces and tabs (tabs to the next multiple of 4), and the character after them (-1 at the end), and how many characters they take. */
export function leading(s: string): { width: number; first: number; length: number } {
  let w = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 32) w++;
    else if (c === 9) w += 4 - (w % 4);
    else return { width: w, first: c, length: i };
  }
  return { width: w, first: -1, length: s.length };
}

/**
 * A list item's first line `s` (with its indentation): the column its content starts at (after the marker and
 * 1–4 columns of space; with 5 or more, or none, one column after the marker), its number (ordered items) and
 * whether it is empty. Null when `s` is no list item line.
 */
export function listItem(s: string): { col: number; number: number | null; empty: boolean } | null {
  const marker = LIST.exec(s);
  if (!marker) return null;
  const ind = leading(s);
  const markerEnd = marker[0].trimEnd().length;
  const markerCol = ind.width + markerEnd - ind.length;
  const gap = leading(' '.repeat(markerCol) + s.slice(markerEnd)); // tab stops count from the line's start
  const spaces = gap.width - markerCol;
  const empty = gap.first === -1;
  return { col: empty || spaces > 4 ? markerCol + 1 : markerCol + spaces, number: marker[1] === undefined ? null : Number(marker[1]), empty };
}

/**
 * Offset → line/column. Forward queries (the usual order: one pass down the note) move a cursor and need
 * no table; the first backward query builds the table of line starts (O(n)), after which each lookup is
 * a binary search.
 */
export class LineIndex {
  private starts: Uint32Array | null = null;
  private line = 0;
  private lineStart = 0;
  private nextBreak: number;

  constructor(private readonly text: string) {
    this.nextBreak = text.indexOf('\n');
  }

  loc(offset: number): Loc {
    if (this.starts === null && offset >= this.lineStart) {
      while (this.nextBreak !== -1 && this.nextBreak < offset) {
        this.line++;
        this.lineStart = this.nextBreak + 1;
        this.nextBreak = this.text.indexOf('\n', this.lineStart);
      }
      return { line: this.line, col: offset - this.lineStart, offset };
    }
    const starts = (this.starts ??= lineStarts(this.text));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, col: offset - (starts[lo] ?? 0), offset };
  }

  pos(start: number, end: number): Pos {
    return { start: this.loc(start), end: this.loc(end) };
  }
}

/** Two passes into a typed array: much cheaper than growing a plain array for files with millions of lines. */
function lineStarts(text: string): Uint32Array {
  let count = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count++;
  const starts = new Uint32Array(count);
  let k = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts[k++] = i + 1;
  return starts;
}
