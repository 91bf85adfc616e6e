import type { Range } from './blocks';
import { LIST, isBlank, lineAt } from './position';

export interface InlineTag {
  kind: 'tag';
  tag: string;
  start: number;
  end: number;
}
export interface InlineLink {
  kind: 'link' | 'embed';
  link: string;
  original: string;
  displayText: string;
  start: number;
  end: number;
}
export type InlineToken = InlineTag | InlineLink;

/** Characters that end a tag, as in Obsidian's app.js: whitespace, ASCII punctuation except - _ /, and Unicode punctuation blocks. */
export const TAG_STOP = /[\u2000-\u206F\u2E00-\u2E7F'!"#$%&()*+,.:;<=>?@^`{|}~[\]\\\s]/;
/** TAG_STOP for ASCII, as a table. */
const TAG_STOP_ASCII = new Uint8Array(128);
for (let c = 0; c < 128; c++) if (TAG_STOP.test(String.fromCharCode(c))) TAG_STOP_ASCII[c] = 1;
const ASCII_PUNCT = /[!-/:-@[-`{-~]/;
const SPACE = /\s/;
const SPACE_G = /\s/g;
const URL_SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/** Characters the inline scanner acts on; everything else is skipped in one go. */
const ACTS_ON = new Uint8Array(128);
for (const ch of '\\`%<$[!#') ACTS_ON[ch.charCodeAt(0)] = 1;

/** indexOf that remembers its last answer, so that forward-moving queries never rescan the same stretch. */
class Finder {
  private readonly memo = new Map<string, { from: number; at: number }>();
  constructor(private readonly text: string) {}

  find(needle: string, from: number, re?: RegExp): number {
    const m = this.memo.get(needle);
    if (m && from >= m.from && (m.at === -1 || from <= m.at)) return m.at;
    let at: number;
    if (re) {
      re.lastIndex = from;
      at = re.exec(this.text)?.index ?? -1;
    } else at = this.text.indexOf(needle, from);
    this.memo.set(needle, { from, at });
    return at;
  }
}

/** Wikilink display text as Obsidian records it: the alias, else the link with '#' parts joined by ' > '. */
export function wikiDisplay(link: string, alias: string | undefined): string {
  if (alias) return alias;
  return link.split('#').filter((p) => p !== '').join(' > ');
}

/** Splits the inside of `[[…]]`. A '|' in first place belongs to the link (recorded: `[[|alias]]` → link `|alias`). */
export function splitWikilink(inner: string): { link: string; alias: string | undefined } {
  const bar = inner.indexOf('|', 1);
  return bar === -1 ? { link: inner, alias: undefined } : { link: inner.slice(0, bar), alias: inner.slice(bar + 1) };
}

function decodeLink(dest: string): string {
  try {
    return decodeURI(dest);
  } catch {
    return dest; // a lone '%' is not an escape
  }
}

interface Run {
  pos: number;
  len: number;
  para: number;
}

/** Whether any backtick lies outside the opaque ranges (fenced code holds most of a note's backticks). */
function backtickOutside(text: string, from: number, opaque: readonly Range[], finder: Finder): boolean {
  let o = 0;
  for (let p = finder.find('`', from); p !== -1; p = finder.find('`', p + 1)) {
    while (o < opaque.length && (opaque[o]?.[1] ?? 0) <= p) o++;
    const r = opaque[o];
    if (!r || r[0] > p) return true;
    p = r[1] - 1;
  }
  return false;
}

const ATX_START = /^ {0,3}#{1,6}(?:[ \t]|$)/;

/**
 * Whether the line text[start, end) starts a list item that may interrupt a paragraph (a bullet or `1.` with
 * some text). Code spans do not cross such lines, nor headings.
 */
function startsItem(text: string, start: number, end: number): boolean {
  const s = text.slice(start, Math.min(end, start + 64));
  const m = LIST.exec(s);
  return m !== null && (m[1] === undefined || Number(m[1]) === 1) && s.slice(m[0].length).trim() !== '';
}

/**
 * Backtick runs outside opaque ranges, each with a paragraph number (code spans never cross a blank line, a
 * heading or the start of a list item),
 * and for each run the index of the next run of the same length: its only possible closer.
 */
function backtickRuns(text: string, from: number, opaque: readonly Range[], finder: Finder): { runs: Run[]; next: number[] } {
  const runs: Run[] = [];
  if (!backtickOutside(text, from, opaque, finder)) return { runs, next: [] };
  let para = 0;
  let afterHeading = false; // a heading is a block of one line: the next line starts another
  let o = 0;
  for (let at = from; at < text.length; ) {
    while (o < opaque.length && (opaque[o]?.[1] ?? 0) <= at) o++;
    const r = opaque[o];
    if (r && r[0] <= at) {
      at = r[1];
      para++;
      continue;
    }
    const line = lineAt(text, at);
    const lineStart = at === from || text.charCodeAt(at - 1) === 10;
    const heading = lineStart && ATX_START.test(text.slice(at, Math.min(line.end, at + 10)));
    if (isBlank(text, at, line.end)) para++;
    else if (afterHeading || heading || (lineStart && startsItem(text, at, line.end))) para++;
    afterHeading = heading;
    const stop = r ? Math.min(line.end, r[0]) : line.end;
    for (let p = finder.find('`', at); p !== -1 && p < stop; p = finder.find('`', p)) {
      let len = 1;
      while (text.charCodeAt(p + len) === 96) len++;
      runs.push({ pos: p, len, para });
      p += len;
    }
    at = stop === line.end ? line.next : stop;
  }
  const next: number[] = new Array<number>(runs.length).fill(-1);
  const seen = new Map<number, number>();
  for (let k = runs.length - 1; k >= 0; k--) {
    const run = runs[k];
    if (!run) continue;
    next[k] = seen.get(run.len) ?? -1;
    seen.set(run.len, k);
  }
  return { runs, next };
}

/**
 * Whether text[from…] holds anything `scanInline` could take for a tag: a '#' followed by a tag body that
 * is not all digits. A necessary condition only (it ignores code, links and what precedes the '#'), so a
 * reader that needs only tags may skip the inline pass when it is false: most rule notes hold no tag.
 */
export function mayHoldTag(text: string, from: number): boolean {
  for (let i = text.indexOf('#', from); i !== -1; i = text.indexOf('#', i + 1)) {
    let digitsOnly = true;
    let j = i + 1;
    for (; j < text.length; j++) {
      const c = text.charCodeAt(j);
      if (c < 128 ? TAG_STOP_ASCII[c] === 1 : TAG_STOP.test(text[j] as string)) break;
      if (c < 48 || c > 57) digitsOnly = false;
    }
    if (j > i + 1 && !digitsOnly) return true;
  }
  return false;
}

/**
 * One left-to-right pass over the body that yields tags, links and embeds in document order. It skips
 * `opaque` ranges (frontmatter, code/math/comment blocks), code spans, `%% %%` and `<!-- -->` comments,
 * `$$ $$` math, wikilink insides and markdown link targets. Linear in the size of the text.
 */
export function scanInline(text: string, from: number, opaque: readonly Range[]): InlineToken[] {
  const n = text.length;
  const out: InlineToken[] = [];
  const finder = new Finder(text);
  const { runs, next } = backtickRuns(text, from, opaque, new Finder(text));
  let r = 0;
  let o = 0;
  let skipFrom = -1; // a markdown link's text is scanned, its target is not
  let skipTo = -1;

  /** A `#` opens a tag at a line start (after quote markers), after whitespace, or after an escaped character. */
  const tagBoundary = (i: number): boolean => {
    if (i === from) return true;
    const prev = text[i - 1] ?? '';
    if (SPACE.test(prev)) return true;
    if (prev === '>') {
      let k = i - 1;
      while (k >= from && (text[k] === '>' || text[k] === ' ' || text[k] === '\t')) k--;
      return k < from || text[k] === '\n';
    }
    // Recorded: in `\[\[#Escaped Links\]\]` Obsidian sees the tag #Escaped.
    return ASCII_PUNCT.test(prev) && text[i - 2] === '\\' && text[i - 3] !== '\\';
  };

  const wikilink = (i: number, start: number, kind: 'link' | 'embed'): number => {
    const close = finder.find(']]', i + 2);
    if (close === -1) return -1;
    const nl = finder.find('\n', i + 2);
    const inner = finder.find('[[', i + 2);
    if ((nl !== -1 && nl < close) || (inner !== -1 && inner < close) || close === i + 2) return -1;
    const { link, alias } = splitWikilink(text.slice(i + 2, close));
    out.push({ kind, link, original: text.slice(start, close + 2), displayText: wikiDisplay(link, alias), start, end: close + 2 });
    return close + 2;
  };

  /** `[text](target "title")` starting at the '[' at i; returns where its text ends and the link ends. */
  const mdLink = (i: number): { textEnd: number; dest: string; end: number } | null => {
    let j = i + 1;
    for (; j < n; j++) {
      const ch = text.charCodeAt(j);
      if (ch === 92) j++; // backslash escape
      else if (ch === 93) break;
      else if (ch === 91 || ch === 10) return null;
    }
    if (j >= n || text.charCodeAt(j + 1) !== 40) return null;
    let k = j + 2;
    while (text[k] === ' ' || text[k] === '\t') k++;
    let dest: string;
    if (text[k] === '<') {
      const gt = finder.find('>', k + 1);
      const nl = finder.find('\n', k + 1);
      if (gt === -1 || (nl !== -1 && nl < gt)) return null;
      dest = text.slice(k + 1, gt);
      k = gt + 1;
    } else {
      const ws = finder.find('\\s', k, SPACE_G);
      const paren = finder.find(')', k);
      if (paren === -1) return null; // nothing can close the link
      let stop = ws === -1 ? paren : Math.min(ws, paren);
      const openParen = finder.find('(', k);
      if (openParen !== -1 && openParen < stop) {
        // Balanced parentheses are allowed in a target; look at a bounded stretch so that scanning stays linear.
        let depth = 0;
        let p = k;
        for (const limit = Math.min(ws === -1 ? n : ws, k + 256); p < limit; p++) {
          const ch = text[p];
          if (ch === '(') depth++;
          else if (ch === ')' && depth-- === 0) break;
        }
        stop = p;
      }
      dest = text.slice(k, stop);
      k = stop;
    }
    while (text[k] === ' ' || text[k] === '\t') k++;
    const quote = text[k];
    if (quote === '"' || quote === "'") {
      const q = finder.find(quote, k + 1);
      const nl = finder.find('\n', k + 1);
      if (q === -1 || (nl !== -1 && nl < q)) return null;
      k = q + 1;
      while (text[k] === ' ' || text[k] === '\t') k++;
    }
    if (text[k] !== ')') return null;
    return { textEnd: j, dest, end: k + 1 };
  };

  let i = from;
  while (i < n) {
    if (skipFrom !== -1 && i >= skipFrom) {
      if (i < skipTo) i = skipTo;
      skipFrom = -1;
      continue;
    }
    while (o < opaque.length && (opaque[o]?.[1] ?? 0) <= i) o++;
    const range = opaque[o];
    if (range && range[0] <= i) {
      i = range[1];
      continue;
    }
    const ch = text[i];
    if (ch === '\\') {
      i += ASCII_PUNCT.test(text[i + 1] ?? '') ? 2 : 1;
      continue;
    }
    if (ch === '`') {
      while (r < runs.length && (runs[r]?.pos ?? 0) < i) r++;
      const run = runs[r];
      if (run && run.pos === i) {
        const closer = runs[next[r] ?? -1];
        i = closer && closer.para === run.para ? closer.pos + closer.len : i + run.len;
        continue;
      }
    } else if (ch === '%' && text[i + 1] === '%') {
      const close = finder.find('%%', i + 2);
      i = close === -1 ? n : close + 2; // an unclosed comment hides the rest of the note
      continue;
    } else if (ch === '<' && text.startsWith('<!--', i)) {
      const close = finder.find('-->', i + 4);
      if (close !== -1) {
        i = close + 3;
        continue;
      }
    } else if (ch === '$' && text[i + 1] === '$') {
      const close = finder.find('$$', i + 2);
      i = close === -1 ? i + 2 : close + 2;
      continue;
    } else if (ch === '[' || (ch === '!' && text[i + 1] === '[')) {
      const at = ch === '!' ? i + 1 : i;
      const kind = ch === '!' ? 'embed' : 'link';
      if (text[at + 1] === '[') {
        const end = wikilink(at, i, kind);
        if (end !== -1) {
          i = end;
          continue;
        }
      } else {
        const md = mdLink(at);
        if (md) {
          const external = md.dest === '' || URL_SCHEME.test(md.dest) || md.dest.startsWith('//');
          if (!external) {
            const displayText = text.slice(at + 1, md.textEnd);
            out.push({ kind, link: decodeLink(md.dest), original: text.slice(i, md.end), displayText, start: i, end: md.end });
          }
          skipFrom = md.textEnd;
          skipTo = md.end;
          i = at + 1;
          continue;
        }
      }
    } else if (ch === '#' && tagBoundary(i)) {
      let j = i + 1;
      while (j < n && !TAG_STOP.test(text[j] ?? ' ')) j++;
      const body = text.slice(i + 1, j);
      if (body !== '' && !/^\d+$/.test(body)) {
        out.push({ kind: 'tag', tag: text.slice(i, j), start: i, end: j });
        i = j;
        continue;
      }
    }
    i++;
    // Nothing between here and the next character the scanner acts on can start a token.
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c < 128 && ACTS_ON[c] === 1) break;
      i++;
    }
  }
  return out;
}
