/** Small Markdown / YAML-frontmatter builders shared by the note writers. */
import { scanCodeBlocks } from '../markdown/code-blocks';
import { LineIndex } from '../markdown/position';

/**
 * Markdown from a source (a description, steps) as a part of a note: a code block it opens and never
 * closes would run on through the rest of the note, hiding the embedded rule or the coverage blocks from
 * the engine, so it is closed at the end of the text.
 */
export function closeOpenFence(text: string): string {
  const last = scanCodeBlocks(text, 0, new LineIndex(text)).at(-1);
  // An unclosed block runs to the end of the text; one inside a blockquote ends with the quote.
  if (!last || last.contentEnd < text.length || last.quoteDepth > 0) return text;
  const fence = /[`~]{3,}/.exec(text.slice(last.lineStart))?.[0] ?? '```';
  return `${text}\n${fence}`;
}

/** A fenced code block that survives backticks inside `body`: the fence is one longer than its longest run. */
export function fenced(body: string, info = ''): string {
  const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${info}\n${body.replace(/\n+$/, '')}\n${fence}`;
}

/** A YAML double-quoted scalar (JSON strings are valid YAML). */
export function yamlQuote(value: string): string {
  return JSON.stringify(value);
}

const PLAIN = /^[\p{L}\p{N}_][\p{L}\p{N}_\-/.]*$/u;
// Plain scalars YAML would read as something other than a string.
const NOT_A_STRING = /^(?:true|false|yes|no|on|off|null|[-+]?(?:\d[\d_.]*(?:e[-+]?\d+)?|0x[\da-f]+|0o[0-7]+)|\d{4}-\d\d?-\d\d?.*)$/i;

/** A YAML flow list `[a, b]` as Obsidian vaults write tags: plain items, quoted only when YAML needs it. */
export function flowList(items: string[]): string {
  return `[${items.map((s) => (PLAIN.test(s) && !NOT_A_STRING.test(s) ? s : yamlQuote(s))).join(', ')}]`;
}

/** Text for a Markdown table cell: pipes escaped, line breaks as <br>. */
export function tableCell(value: unknown): string {
  return scalarText(value).trim().replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

/** A YAML scalar as display text; dates become YYYY-MM-DD (YAML 1.1 loaders turn `2020-06-28` into a Date). */
export function scalarText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (Array.isArray(value)) return value.map(scalarText).join(', ');
  return JSON.stringify(value) ?? '';
}

/** One line: collapses whitespace, for headings and frontmatter values. */
export function oneLine(value: unknown): string {
  return scalarText(value).replace(/\s+/g, ' ').trim();
}
