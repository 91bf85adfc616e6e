/**
 * The query blocks vaults already contain — Dataview `TABLE/LIST … FROM "folder" AND #tag` and
 * Obsidian's own `query` blocks of `tag:` lines — parsed, evaluated to exactly the notes Dataview or
 * Obsidian search would list, and translated into a coverage block. Anything outside the understood
 * subset is reported as unsupported with a reason, never guessed.
 */
import { idFromTag, type TechniqueId } from './ids';
import type { CoverageIndex } from './coverage-index';
import { findCodeBlocks, findFrontmatter, type CodeBlock } from './markdown';

export type SourceExpr =
  | { op: 'folder'; path: string }
  | { op: 'tag'; tag: string }
  | { op: 'and' | 'or'; left: SourceExpr; right: SourceExpr }
  | { op: 'not'; expr: SourceExpr };

export interface Column {
  expr: string;
  label: string;
}

export type ParsedQuery =
  | { supported: true; kind: 'dataview'; mode: 'table' | 'list'; withoutId: boolean; columns: Column[]; source: SourceExpr }
  | { supported: true; kind: 'search'; tags: string[] }
  | { supported: false; reason: string };

const UNSUPPORTED_CLAUSES = ['WHERE', 'SORT', 'GROUP BY', 'FLATTEN', 'LIMIT'];

/**
 * The string literal whose opening `"` is at `at`, as Dataview's parser reads it: `\"` and `\\` stand for a
 * quote and a backslash, and any other backslash stays as written (`"a\nb"` keeps the backslash and the n).
 * Null when the string is not closed.
 */
function readString(s: string, at: number): { value: string; end: number } | null {
  let value = '';
  for (let i = at + 1; i < s.length; i++) {
    const ch = s[i] as string;
    if (ch === '"') return { value, end: i + 1 };
    if (ch === '\\') {
      const next = s[i + 1];
      if (next === undefined) return null;
      value += next === '"' || next === '\\' ? next : ch + next;
      i++;
    } else value += ch;
  }
  return null;
}

/** Where the text's string literals start and end ([start, end) offsets); an unclosed one runs to the end. */
function stringSpans(s: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  for (let i = s.indexOf('"'); i !== -1; ) {
    const end = readString(s, i)?.end ?? s.length;
    spans.push([i, end]);
    i = s.indexOf('"', end);
  }
  return spans;
}

/** Splits on a separator at the top level (outside quotes, brackets and parentheses). */
function splitTopLevel(s: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = '';
  let escaped = false;
  let cur = '';
  for (const ch of s) {
    if (quote) {
      if (escaped) escaped = false;
      else if (ch === '\\' && quote === '"') escaped = true;
      else if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) depth--;
    else if (ch === sep && depth === 0) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += ch;
  }
  out.push(cur);
  return out;
}

/** Index of a keyword at the top level (word-bounded, case-insensitive) at or after `from`, or -1. */
function findKeyword(s: string, keyword: string, from = 0): number {
  const re = new RegExp(`(^|\\s)${keyword.replace(' ', '\\s+')}(?=\\s|$)`, 'gi');
  re.lastIndex = from;
  let spans: Array<[number, number]> | null = null;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    const at = m.index + (m[1] ?? '').length;
    spans ??= stringSpans(s);
    if (!spans.some(([start, end]) => start < at && at < end)) return at;
  }
  return -1;
}

function parseColumns(fields: string): Column[] {
  if (!fields.trim()) return [];
  return splitTopLevel(fields, ',').map((f) => {
    const m = /^(.*?)\s+as\s+(?:("(?:[^"\\]|\\.)*")|(\S+))\s*$/is.exec(f.trim());
    if (!m) return { expr: f.trim(), label: f.trim() };
    return { expr: (m[1] as string).trim(), label: m[2] ? (readString(m[2], 0)?.value ?? '') : (m[3] ?? '') };
  });
}

// ---- FROM source expressions --------------------------------------------------------------------

/**
 * A tag as Dataview's query parser reads one: '#' then any characters but whitespace, the ASCII punctuation
 * other than '-', '_' and '/', and the General and Supplemental Punctuation blocks (U+2000–U+206F, which holds
 * the zero-width joiner, and U+2E00–U+2E7F).
 */
const DATAVIEW_TAG = /^#[^\u2000-\u206F\u2E00-\u2E7F'!"#$%&()*+,.:;<=>?@^`{|}~[\]\\\s]*/u;

type Token = { t: 'str' | 'tag' | 'and' | 'or' | 'not' | '(' | ')'; v: string };

function tokenize(src: string): Token[] | string {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i] as string;
    if (/\s/.test(ch)) i++;
    else if (ch === '"') {
      const str = readString(src, i);
      if (!str) return 'unterminated string in FROM';
      tokens.push({ t: 'str', v: str.value });
      i = str.end;
    } else if (ch === '#') {
      const tag = DATAVIEW_TAG.exec(src.slice(i))?.[0] ?? '#';
      // Dataview stops the tag at the first other character; unless that is space, an operator or a closing
      // parenthesis, the query fails there (`#T1059.006`, `#a,#b`): report the whole word.
      const next = src[i + tag.length];
      if (tag === '#' || (next !== undefined && !/[\s)&|]/.test(next))) return `"${/^#[^\s()"]*/.exec(src.slice(i))?.[0] ?? '#'}" is not a tag Dataview can read`;
      tokens.push({ t: 'tag', v: tag.slice(1) });
      i += tag.length;
    } else if (ch === '&' || ch === '|') {
      // Dataview's other spellings of AND and OR.
      tokens.push({ t: ch === '&' ? 'and' : 'or', v: ch });
      i++;
    } else if (ch === '(' || ch === ')') {
      tokens.push({ t: ch, v: ch });
      i++;
    } else if (ch === '-' || ch === '!') {
      // Dataview reads a negated source right after the sign: `- "x"` does not parse there.
      if (i + 1 >= src.length || /\s/.test(src[i + 1] as string)) return `"${ch}" must be followed directly by the source it negates`;
      tokens.push({ t: 'not', v: ch });
      i++;
    } else {
      // An operator word ends where a source or another operator may start: `AND#x`, `or-"y"`.
      const word = /^[^\s()"#&|!-]+/.exec(src.slice(i))?.[0] ?? ch;
      const w = word.toLowerCase();
      if (w === 'and' || w === 'or') tokens.push({ t: w, v: word });
      else if (word.startsWith('[[')) return 'link sources ([[note]]) are not supported';
      else return `"${word}" is not a supported FROM source`;
      i += word.length;
    }
  }
  return tokens;
}

export function parseSource(src: string): SourceExpr | string {
  const tokens = tokenize(src);
  if (typeof tokens === 'string') return tokens;
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  // Dataview gives AND and OR one precedence, left to right: `#a OR #b AND "x"` is `(#a OR #b) AND "x"`.
  const binary = (): SourceExpr | string => {
    let left = unary();
    for (let op = peek()?.t; typeof left !== 'string' && (op === 'and' || op === 'or'); op = peek()?.t) {
      pos++;
      const right = unary();
      if (typeof right === 'string') return right;
      left = { op, left, right };
    }
    return left;
  };
  const unary = (): SourceExpr | string => {
    const tok = tokens[pos++];
    if (!tok) return 'FROM ends early';
    if (tok.t === 'not') {
      const e = unary();
      return typeof e === 'string' ? e : { op: 'not', expr: e };
    }
    if (tok.t === '(') {
      const e = binary();
      if (tokens[pos++]?.t !== ')') return 'unbalanced parentheses in FROM';
      return e;
    }
    if (tok.t === 'str') return { op: 'folder', path: tok.v };
    if (tok.t === 'tag') return { op: 'tag', tag: tok.v };
    return `unexpected "${tok.v}" in FROM`;
  };
  const expr = binary();
  if (typeof expr !== 'string' && pos < tokens.length) return `unexpected "${tokens[pos]?.v}" in FROM`;
  return expr;
}

/**
 * The query with its `//` comments blanked out (offsets kept), and where each starts. A comment runs to the end
 * of its line; `//` inside a string or a tag (`#a//b`) starts none.
 */
function blankComments(s: string): { text: string; comments: number[] } {
  const comments: number[] = [];
  if (!s.includes('//')) return { text: s, comments };
  let out = '';
  let last = 0;
  for (let i = 0; i < s.length; ) {
    const ch = s[i];
    if (ch === '"') i = readString(s, i)?.end ?? s.length;
    else if (ch === '#') i += DATAVIEW_TAG.exec(s.slice(i))?.[0].length ?? 1;
    else if (ch === '/' && s[i + 1] === '/') {
      const nl = s.indexOf('\n', i);
      const end = nl === -1 ? s.length : nl;
      comments.push(i);
      out += s.slice(last, i) + ' '.repeat(end - i);
      last = i = end;
    } else i++;
  }
  return { text: out + s.slice(last), comments };
}

export function parseDataview(query: string): ParsedQuery {
  const blanked = blankComments(query);
  const lead = blanked.text.length - blanked.text.trimStart().length;
  const text = blanked.text.trim();
  // Dataview: the query type, then space or the end; `WITHOUT ID` is read wherever it starts the fields.
  const head = /^(table|list)(?=\s|$)(\s+without\s+id)?/i.exec(text);
  if (!head) {
    const word = /^\S+/.exec(text)?.[0] ?? '(empty)';
    return { supported: false, reason: `${word.toUpperCase()} queries are not supported; only TABLE and LIST … FROM are` };
  }
  const fromAt = findKeyword(text, 'FROM');
  if (fromAt < 0) return { supported: false, reason: 'a query without FROM lists the whole vault; not supported' };
  // Dataview reads a comment only between clauses (before the header, after it, after FROM's sources): from a
  // comment to the next clause there may be nothing else.
  for (const at of blanked.comments) {
    const c = at - lead;
    if (c >= 0 && text.slice(c, c < fromAt ? fromAt : text.length).trim() !== '') {
      return { supported: false, reason: 'Dataview fails on text between a // comment and the next clause' };
    }
  }
  // Dataview takes clauses in any order after the header, before FROM too (`TABLE x WHERE y FROM "z"`). Of their
  // keywords only SORT may also name a field, where a field starts: first in the list or after a comma.
  const rest = text.slice(head[0].length);
  const fieldsEnd = fromAt - head[0].length;
  for (const clause of UNSUPPORTED_CLAUSES) {
    for (let at = findKeyword(rest, clause); at >= 0; at = findKeyword(rest, clause, at + 1)) {
      if (clause === 'SORT' && at < fieldsEnd && /(?:^|,)\s*$/.test(rest.slice(0, at))) continue;
      return { supported: false, reason: `${clause} clauses are not supported` };
    }
  }
  const source = parseSource(text.slice(fromAt + 4));
  if (typeof source === 'string') return { supported: false, reason: source };
  const mode = (head[1] as string).toLowerCase() as 'table' | 'list';
  return {
    supported: true,
    kind: 'dataview',
    mode,
    withoutId: !!head[2],
    columns: parseColumns(text.slice(head[0].length, fromAt)),
    source,
  };
}

/**
 * Obsidian `query` blocks: whitespace- and line-separated terms, all AND-ed; only `tag:` terms.
 * Vaults write `tag: detection_rule` with a space after the operator, so the value may follow it.
 */
export function parseSearch(query: string): ParsedQuery {
  const tags: string[] = [];
  for (const m of query.matchAll(/([A-Za-z-]+):\s*("[^"]*"|\S+)|(\S+)/g)) {
    const [term, op, value] = m;
    if (op?.toLowerCase() !== 'tag' || !value) return { supported: false, reason: `search term "${term.trim()}" is not supported; only tag: terms are` };
    tags.push(value.replace(/^"|"$/g, '').replace(/^#/, ''));
  }
  if (!tags.length) return { supported: false, reason: 'empty search' };
  return { supported: true, kind: 'search', tags };
}

export function parseQueryBlock(language: string, query: string): ParsedQuery {
  if (language === 'dataview') return parseDataview(query);
  if (language === 'query') return parseSearch(query);
  return { supported: false, reason: `${language} blocks are not query blocks` };
}

// ---- evaluation -----------------------------------------------------------------------------------

/**
 * Dataview looks the string up as a vault path, as written: `""` and `"/"` are the vault's root, and no path
 * ends in `/`, so `"Detection Rules/"` lists nothing (Dataview's sources reference: "trailing slashes are not
 * supported").
 */
function folderMembers(index: CoverageIndex, folder: string): Set<string> {
  const out = new Set<string>();
  if (folder === '' || folder === '/') {
    for (const n of index.allNotes()) out.add(n.facts.path);
    return out;
  }
  if (folder.endsWith('/')) return out;
  for (const n of index.allNotes()) if (n.facts.path.startsWith(folder + '/')) out.add(n.facts.path);
  if (out.size === 0) {
    // Dataview: a source string that names a file (with or without .md) selects that file.
    for (const p of [folder, `${folder}.md`]) if (index.get(p)) out.add(p);
  }
  return out;
}

function evalSource(index: CoverageIndex, e: SourceExpr): Set<string> {
  switch (e.op) {
    case 'folder':
      return folderMembers(index, e.path);
    case 'tag':
      return new Set(index.notesWithTag(e.tag, 'dataview'));
    case 'and': {
      const l = evalSource(index, e.left);
      const r = evalSource(index, e.right);
      return new Set([...l].filter((p) => r.has(p)));
    }
    case 'or':
      return new Set([...evalSource(index, e.left), ...evalSource(index, e.right)]);
    case 'not': {
      const inner = evalSource(index, e.expr);
      return new Set([...index.allNotes()].map((n) => n.facts.path).filter((p) => !inner.has(p)));
    }
  }
}

/** The notes the original block lists, sorted by path (Dataview's unsorted order is unspecified). */
export function evaluateQuery(index: CoverageIndex, q: ParsedQuery): string[] {
  if (!q.supported) return [];
  let rows: Set<string>;
  if (q.kind === 'dataview') rows = evalSource(index, q.source);
  else {
    const [first, ...rest] = q.tags.map((t) => index.notesWithTag(t, 'obsidian'));
    rows = new Set([...(first ?? [])].filter((p) => rest.every((s) => s.has(p))));
  }
  return [...rows].sort();
}

// ---- translation into a coverage block --------------------------------------------------------------

export type Section = 'rules' | 'tests';

export interface CoverageBlockSpec {
  technique?: TechniqueId;
  show: Section[];
}

function leaves(e: SourceExpr, acc: SourceExpr[] = []): SourceExpr[] | null {
  if (e.op === 'and') return leaves(e.left, acc) && leaves(e.right, acc);
  if (e.op === 'folder' || e.op === 'tag') {
    acc.push(e);
    return acc;
  }
  return null;
}

export interface RoleHints {
  ruleFolders: string[];
  testFolders: string[];
  ruleTags: string[];
  testTags: string[];
}

/**
 * What coverage panel can stand in for a query: an AND of one technique tag with a rule or test folder
 * or role tag. Returns null when the query selects something else (it is then left as it is).
 */
export function toCoverageSpec(q: ParsedQuery, hints: RoleHints): CoverageBlockSpec | null {
  if (!q.supported) return null;
  const parts: Array<{ op: 'folder'; path: string } | { op: 'tag'; tag: string }> = [];
  if (q.kind === 'dataview') {
    const l = leaves(q.source);
    if (!l) return null;
    parts.push(...(l as typeof parts));
  } else parts.push(...q.tags.map((tag) => ({ op: 'tag' as const, tag })));
  let technique: TechniqueId | undefined;
  let section: Section | undefined;
  const lower = (xs: string[]): string[] => xs.map((x) => x.toLowerCase().replace(/\/+$/, ''));
  const roleOf = (p: (typeof parts)[number]): Section | null => {
    const [rules, tests, key] =
      p.op === 'tag' ? [hints.ruleTags, hints.testTags, p.tag.toLowerCase()] : [hints.ruleFolders, hints.testFolders, p.path.toLowerCase()];
    return lower(rules).includes(key) ? 'rules' : lower(tests).includes(key) ? 'tests' : null;
  };
  for (const p of parts) {
    if (p.op === 'tag') {
      const id = idFromTag(p.tag);
      if (id) {
        if (technique && technique !== id) return null;
        technique = id;
        continue;
      }
    }
    const role = roleOf(p);
    // A query mixing a rule source with a test source selects neither panel section: leave it.
    if (!role || (section && section !== role)) return null;
    section = role;
  }
  if (!technique || !section) return null;
  return { technique, show: [section] };
}

// ---- blocks in a note ------------------------------------------------------------------------------

export const QUERY_LANGUAGES = ['dataview', 'query', 'attack-coverage'] as const;

/** The query blocks among a note's code blocks. */
export function queryBlocksOf<B extends { lang: string }>(blocks: readonly B[]): B[] {
  return blocks.filter((b) => (QUERY_LANGUAGES as readonly string[]).includes(b.lang));
}

/** Query blocks of a note's body (a fence inside the frontmatter is not a block). */
export function findQueryBlocks(text: string): CodeBlock[] {
  return queryBlocksOf(findCodeBlocks(text, findFrontmatter(text)?.bodyStart ?? 0));
}
