/**
 * The gap lists as DOM: one section per list, each with its count and up to `limit` rows linking to
 * the notes. Shared by the `view: gaps` block, the plugin's view and the CLI's HTML report.
 */
import { GAP_SECTIONS, GAP_TITLES, type GapReport, type GapSection, type GapTechnique } from '../core/gaps';
import { el, noteLink, type LinkHandler } from './dom';

export interface GapRenderOptions {
  links: LinkHandler;
  /** Lists to show, in this order (default all). */
  sections?: readonly GapSection[];
  /** Rows per list (default 50); the rest are counted. */
  limit?: number;
}

function noteOrText(parent: HTMLElement, path: string | null, label: string, links: LinkHandler): void {
  if (path) noteLink(parent, path, label, links);
  else el(parent, 'span', { text: label });
}

function section(parent: HTMLElement, key: GapSection | 'comparison', title: string, count: number): HTMLElement {
  const sec = el(parent, 'section', { cls: 'acm-gap-section', attr: { 'data-gap': key } });
  const head = el(sec, 'div', { cls: 'acm-section-title' });
  el(head, 'span', { text: title });
  el(head, 'span', { cls: 'acm-count', text: String(count) });
  return sec;
}

function table(parent: HTMLElement, headers: string[]): HTMLTableSectionElement {
  const t = el(parent, 'table', { cls: 'acm-table' });
  const tr = el(el(t, 'thead'), 'tr');
  for (const h of headers) el(tr, 'th', { text: h });
  return el(t, 'tbody');
}

function more(parent: HTMLElement, total: number, shown: number): void {
  if (total > shown) el(parent, 'div', { cls: 'acm-muted', text: `${total - shown} more not shown` });
}

function techniqueRows(sec: HTMLElement, rows: GapTechnique[], limit: number, links: LinkHandler): void {
  if (!rows.length) return void el(sec, 'div', { cls: 'acm-muted', text: 'None.' });
  const body = table(sec, ['ID', 'Technique', 'Rules', 'Tests']);
  for (const t of rows.slice(0, limit)) {
    const tr = el(body, 'tr', { attr: { 'data-id': t.id } });
    el(tr, 'td', { cls: 'acm-mono', text: t.id });
    noteOrText(el(tr, 'td'), t.notePath, t.name, links);
    el(tr, 'td', { cls: 'acm-num', text: String(t.rules) });
    el(tr, 'td', { cls: 'acm-num', text: String(t.tests) });
  }
  more(sec, rows.length, limit);
}

export function renderGaps(parent: HTMLElement, r: GapReport, o: GapRenderOptions): HTMLElement {
  const root = el(parent, 'div', { cls: 'acm-gaps' });
  const limit = o.limit ?? 50;
  const scope = r.scope === 'catalog' ? 'every active technique' : 'techniques that have a note';
  el(root, 'div', {
    cls: 'acm-muted',
    text: `Technique lists cover ${scope}. Whole catalog${r.attackVersion ? ` (ATT&CK ${r.attackVersion})` : ''}: ${r.counts.catalogNoRules} of ${r.counts.catalogTechniques} techniques have no rules, ${r.counts.catalogNoTests} have no tests.`,
  });
  for (const key of o.sections ?? GAP_SECTIONS) {
    if (key === 'no-rules' || key === 'no-tests') {
      const rows = key === 'no-rules' ? r.noRules : r.noTests;
      techniqueRows(section(root, key, GAP_TITLES[key], rows.length), rows, limit, o.links);
    } else if (key === 'untested-rules') {
      const sec = section(root, key, GAP_TITLES[key], r.untestedRules.length);
      if (!r.untestedRules.length) el(sec, 'div', { cls: 'acm-muted', text: 'None.' });
      else {
        const body = table(sec, ['Rule', 'Techniques', 'Level', 'Status']);
        for (const x of r.untestedRules.slice(0, limit)) {
          const tr = el(body, 'tr');
          noteOrText(el(tr, 'td'), x.path, x.title, o.links);
          el(tr, 'td', { cls: 'acm-mono', text: x.techniques.join(', ') });
          el(tr, 'td', { text: x.level });
          el(tr, 'td', { text: x.status });
        }
        more(sec, r.untestedRules.length, limit);
      }
    } else if (key === 'undetected-tests') {
      const sec = section(root, key, GAP_TITLES[key], r.undetectedTests.length);
      if (!r.undetectedTests.length) el(sec, 'div', { cls: 'acm-muted', text: 'None.' });
      else {
        const body = table(sec, ['Test note', 'Technique', 'Tests']);
        for (const x of r.undetectedTests.slice(0, limit)) {
          const tr = el(body, 'tr');
          noteOrText(el(tr, 'td'), x.path, x.title, o.links);
          el(tr, 'td', { cls: 'acm-mono', text: x.technique });
          el(tr, 'td', { cls: 'acm-num', text: String(x.testCount) });
        }
        more(sec, r.undetectedTests.length, limit);
      }
    } else {
      const sec = section(root, key, GAP_TITLES[key], r.outdated.length);
      if (!r.outdated.length) el(sec, 'div', { cls: 'acm-muted', text: 'None.' });
      else {
        const body = table(sec, ['Note', 'Role', 'ID', 'What to do']);
        for (const x of r.outdated.slice(0, limit)) {
          const tr = el(body, 'tr', { cls: `is-${x.kind}` });
          noteOrText(el(tr, 'td'), x.path, x.title, o.links);
          el(tr, 'td', { text: x.role });
          el(tr, 'td', { cls: 'acm-mono', text: x.id });
          el(tr, 'td', { text: x.advice });
        }
        more(sec, r.outdated.length, limit);
      }
    }
  }
  return root;
}
