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

/** Offset → line/column, built once per note (O(n)) so that each lookup is a binary search. */
export class LineIndex {
  private readonly starts: Uint32Array;

  constructor(text: string) {
    // Two passes into a typed array: much cheaper than growing a plain array for files with millions of lines.
    let count = 1;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count++;
    this.starts = new Uint32Array(count);
    let k = 1;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts[k++] = i + 1;
  }

  loc(offset: number): Loc {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, col: offset - (this.starts[lo] ?? 0), offset };
  }

  pos(start: number, end: number): Pos {
    return { start: this.loc(start), end: this.loc(end) };
  }
}
