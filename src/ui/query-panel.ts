/**
 * Dataview queries without a coverage equivalent: a supported query's rows as the table Dataview would
 * draw (its columns read from each note's frontmatter), and an unsupported query as its own text with a
 * short explanation. Pure DOM through `dom.ts`; note content is always text.
 */
import type { CoverageIndex } from '../core/coverage-index';
import type { Column, ParsedQuery } from '../core/queries';
import { el, noteLink, text, type LinkHandler } from './dom';
import { plural } from '../core/words';
import { notShown } from './technique-panel';

export interface QueryCell {
  text: string;
  /** The cell is a link to this note. */
  link?: string;
}

export interface QueryTableModel {
  mode: 'table' | 'list';
  headers: string[];
  rows: Array<{ path: string; cells: QueryCell[] }>;
  hidden: number;
}

const P = 'attack-coverage';

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1).replace(/\.md$/i, '');
}

/** `[[target|alias]]` reads as its alias, `[[target]]` as the target's name (Dataview shows links so). */
function display(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.map(display).filter(Boolean).join(', ');
  if (typeof v === 'object') return JSON.stringify(v);
  const s = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
  const link = /^\[\[([^\]|]*)(?:\|([^\]]*))?\]\]$/.exec(s.trim());
  if (link) return link[2] ?? basename(link[1] ?? '');
  return s;
}

function cell(index: CoverageIndex, path: string, expr: string): QueryCell {
  const e = expr.trim();
  const lower = e.toLowerCase();
  if (lower === 'file.link') return { text: basename(path), link: path };
  if (lower === 'file.name') return { text: basename(path) };
  if (lower === 'file.path') return { text: path };
  if (lower === 'file.folder') return { text: path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '' };
  const fm = index.get(path)?.facts.frontmatter ?? {};
  const key = Object.keys(fm).find((k) => k.toLowerCase() === lower);
  return { text: key === undefined ? '' : display(fm[key]) };
}

/** The rows a supported Dataview query lists, with its columns (the ID column unless WITHOUT ID). */
export function queryTableModel(index: CoverageIndex, q: Extract<ParsedQuery, { kind: 'dataview' }>, rows: string[], limit: number): QueryTableModel {
  const columns: Column[] = q.mode === 'list' ? [] : q.columns;
  const withId = q.mode === 'list' || !q.withoutId;
  const headers = [...(withId ? ['File'] : []), ...columns.map((c) => c.label)];
  const shown = rows.slice(0, limit);
  return {
    mode: q.mode,
    headers,
    rows: shown.map((path) => ({
      path,
      cells: [...(withId ? [{ text: basename(path), link: path }] : []), ...columns.map((c) => cell(index, path, c.expr))],
    })),
    hidden: rows.length - shown.length,
  };
}

export function renderQueryTable(parent: Element | DocumentFragment, model: QueryTableModel, links: LinkHandler, onShowAll?: () => void): void {
  const root = el(parent, 'div', { cls: [`${P}-panel`, 'mod-query'] });
  if (model.rows.length === 0) {
    el(root, 'div', { cls: `${P}-muted`, text: 'No notes match this query.' });
    return;
  }
  if (model.mode === 'list') {
    const ul = el(root, 'ul', { cls: `${P}-query-list` });
    for (const r of model.rows) {
      const first = r.cells[0];
      noteLink(el(ul, 'li'), r.path, first?.text ?? basename(r.path), links);
    }
  } else {
    const table = el(root, 'table', { cls: `${P}-table` });
    const head = el(el(table, 'thead'), 'tr');
    for (const h of model.headers) el(head, 'th', { text: h, attr: { scope: 'col' } });
    const body = el(table, 'tbody');
    for (const r of model.rows) {
      const tr = el(body, 'tr');
      for (const c of r.cells) {
        const td = el(tr, 'td');
        if (c.link) noteLink(td, c.link, c.text, links);
        else text(td, c.text);
      }
    }
  }
  if (model.hidden > 0) notShown(root, `${plural(model.hidden, 'more note')} not shown`, onShowAll);
}

/** The query as written, read-only, with why it is not run. Not an error: the note is fine. */
export function renderQueryAsText(parent: Element | DocumentFragment, language: string, query: string, explanation: string): void {
  const root = el(parent, 'div', { cls: [`${P}-panel`, 'mod-unsupported'] });
  el(root, 'div', { cls: `${P}-note`, text: explanation });
  el(el(root, 'pre', { cls: `${P}-query` }), 'code', { cls: `language-${language}`, text: query });
}
