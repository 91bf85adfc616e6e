/**
 * A self-contained HTML report for colleagues without Obsidian: the matrix, a technique table and the
 * gap lists, rendered by the same functions as the plugin's views onto any document (the CLI uses
 * linkedom, the plugin a fresh document of its own), with the plugin's styles inlined and Obsidian's
 * theme variables defined for light and dark (`prefers-color-scheme`). No script, no network: a
 * Content-Security-Policy forbids both.
 */
import type { GapReport } from '../core/gaps';
import type { Comparison } from '../core/layers/compare';
import { obsidianUrl } from '../core/layers/export';
import type { LayerOverlay } from '../core/layers/import';
import { SCORE_LABELS, type MatrixModel, type ScoreKind } from '../core/matrix';
import { el, type LinkHandler } from './dom';
import { renderGaps } from './gaps';
import { renderComparison, renderMatrix, renderTechniqueTable } from './matrix';

export interface ReportInput {
  model: MatrixModel;
  gaps: GapReport;
  score: ScoreKind;
  /** The plugin's stylesheet text (styles.css with the matrix styles), inlined as is. */
  css: string;
  title?: string;
  /** Obsidian vault name: note links become `obsidian://open` URLs. */
  vaultName?: string;
  /** Date line, e.g. "2026-11-23". */
  generated?: string;
  overlay?: LayerOverlay | null;
  comparison?: Comparison;
  /** Notes read (for the header line). */
  notes?: number;
  /** Copyright line for the ATT&CK data. */
  attribution?: string;
}

/**
 * Obsidian's default theme variables that the plugin's styles use, for a page outside Obsidian.
 * Values follow Obsidian's default light and dark themes.
 */
export const OBSIDIAN_VARIABLES_CSS = `
:root {
  color-scheme: light dark;
  --font-interface: -apple-system, BlinkMacSystemFont, "Segoe UI", Inter, Ubuntu, Roboto, sans-serif;
  --font-monospace: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace;
  --font-ui-smaller: 12px;
  --font-ui-small: 13px;
  --font-ui-medium: 15px;
  --font-normal: 400;
  --font-semibold: 600;
  --font-bold: 700;
  --size-4-1: 4px;
  --size-4-2: 8px;
  --size-4-3: 12px;
  --size-4-4: 16px;
  --size-4-6: 24px;
  --radius-s: 4px;
  --radius-m: 8px;
  --border-width: 1px;
  --color-red-rgb: 233, 49, 71;
  --color-orange-rgb: 236, 117, 0;
  --color-yellow-rgb: 224, 172, 0;
  --color-green-rgb: 8, 185, 78;
  --color-cyan-rgb: 0, 191, 188;
  --color-blue-rgb: 8, 109, 221;
  --color-purple-rgb: 120, 82, 238;
  --color-pink-rgb: 213, 57, 132;
  --background-primary: #ffffff;
  --background-primary-alt: #fafafa;
  --background-secondary: #f6f6f6;
  --background-modifier-border: #e0e0e0;
  --background-modifier-hover: rgba(0, 0, 0, 0.067);
  --text-normal: #222222;
  --text-muted: #5c5c5c;
  --text-faint: #ababab;
  --text-accent: #7b6cd9;
  --text-error: #e93147;
  --interactive-accent: #8a5cf5;
}
@media (prefers-color-scheme: dark) {
  :root {
    --color-red-rgb: 251, 70, 76;
    --color-orange-rgb: 233, 151, 63;
    --color-yellow-rgb: 224, 222, 113;
    --color-green-rgb: 68, 207, 110;
    --color-cyan-rgb: 83, 223, 221;
    --color-blue-rgb: 2, 122, 255;
    --color-purple-rgb: 168, 130, 255;
    --color-pink-rgb: 250, 153, 205;
    --background-primary: #1e1e1e;
    --background-primary-alt: #242424;
    --background-secondary: #262626;
    --background-modifier-border: #363636;
    --background-modifier-hover: rgba(255, 255, 255, 0.075);
    --text-normal: #dadada;
    --text-muted: #b3b3b3;
    --text-faint: #666666;
    --text-accent: #a68af9;
    --text-error: #fb464c;
    --interactive-accent: #7f6df2;
  }
}
:root {
  --color-red: rgb(var(--color-red-rgb));
  --color-orange: rgb(var(--color-orange-rgb));
  --color-yellow: rgb(var(--color-yellow-rgb));
  --color-green: rgb(var(--color-green-rgb));
  --color-cyan: rgb(var(--color-cyan-rgb));
  --color-blue: rgb(var(--color-blue-rgb));
  --color-purple: rgb(var(--color-purple-rgb));
  --color-pink: rgb(var(--color-pink-rgb));
}
`;

/** The page around the plugin's components (not part of the plugin's styles). */
export const REPORT_PAGE_CSS = `
body {
  margin: 0;
  padding: var(--size-4-4) var(--size-4-6);
  background-color: var(--background-primary);
  color: var(--text-normal);
  font-family: var(--font-interface);
  font-size: var(--font-ui-medium);
}
.acm-report-header h1 { margin: 0 0 var(--size-4-1); font-size: 1.6em; }
.acm-report-meta { color: var(--text-muted); font-size: var(--font-ui-small); }
.acm-report-nav { display: flex; gap: var(--size-4-3); margin: var(--size-4-2) 0; font-size: var(--font-ui-small); }
.acm-report-section { margin-top: var(--size-4-6); }
.acm-report-section > h2 { font-size: 1.2em; margin: 0 0 var(--size-4-2); }
a { color: var(--text-accent); }
.acm-report-footer { margin-top: var(--size-4-6); color: var(--text-faint); font-size: var(--font-ui-smaller); }
`;

/** Links in the report: `obsidian://open` URLs when the vault name is known, otherwise vault-relative paths. */
export function reportLinks(vaultName?: string): LinkHandler {
  // Each segment encoded whole: encodeURI would leave '#' and '?', which end a URL's path.
  return { href: (path) => (vaultName ? obsidianUrl(vaultName, path) : path.split('/').map(encodeURIComponent).join('/')) };
}

/** Fill a document (any DOM: linkedom, jsdom, a browser) with the report. */
export function renderReport(doc: Document, r: ReportInput): void {
  const title = r.title ?? (r.vaultName ? `ATT&CK coverage: ${r.vaultName}` : 'ATT&CK coverage');
  doc.documentElement.setAttribute('lang', 'en');
  const head = doc.head;
  el(head, 'meta', { attr: { charset: 'utf-8' } });
  el(head, 'meta', { attr: { name: 'viewport', content: 'width=device-width, initial-scale=1' } });
  el(head, 'meta', { attr: { name: 'color-scheme', content: 'light dark' } });
  el(head, 'meta', { attr: { 'http-equiv': 'Content-Security-Policy', content: "default-src 'none'; style-src 'unsafe-inline'; img-src data:" } });
  el(head, 'meta', { attr: { name: 'generator', content: 'attack-coverage' } });
  el(head, 'title', { text: title });
  el(head, 'style', { text: `${OBSIDIAN_VARIABLES_CSS}\n${REPORT_PAGE_CSS}\n${r.css}` });

  const body = doc.body;
  body.classList.add('acm-report');
  const links = reportLinks(r.vaultName);
  const header = el(body, 'header', { cls: 'acm-report-header' });
  el(header, 'h1', { text: title });
  const cells = r.model.matrixCells();
  const covered = cells.filter((c) => c.rules.length > 0).length;
  const tested = cells.filter((c) => c.tests.length > 0).length;
  const meta = [
    r.model.attackVersion ? `ATT&CK ${r.model.attackVersion}` : '',
    `${cells.length} techniques: ${covered} with rules, ${tested} with tests`,
    r.notes !== undefined ? `${r.notes} notes` : '',
    r.generated ? `generated ${r.generated}` : '',
  ].filter(Boolean);
  el(header, 'div', { cls: 'acm-report-meta', text: meta.join(' · ') });
  const nav = el(header, 'nav', { cls: 'acm-report-nav' });
  const sections: Array<[string, string]> = [
    ['matrix', 'Matrix'],
    ['techniques', 'Techniques'],
    ['gaps', 'Gaps'],
  ];
  if (r.comparison) sections.push(['comparison', 'Comparison']);
  for (const [id, label] of sections) el(nav, 'a', { text: label, attr: { href: `#${id}` } });

  const main = el(body, 'main');
  const matrix = el(main, 'section', { cls: 'acm-report-section', attr: { id: 'matrix' } });
  el(matrix, 'h2', { text: `Matrix: ${SCORE_LABELS[r.score].toLowerCase()}` });
  renderMatrix(matrix, r.model, { score: r.score, links, overlay: r.overlay ?? null, expanded: 'annotated' });

  const table = el(main, 'section', { cls: 'acm-report-section', attr: { id: 'techniques' } });
  el(table, 'h2', { text: 'Techniques with a note, a rule or a test' });
  renderTechniqueTable(table, r.model, { links });

  const gaps = el(main, 'section', { cls: 'acm-report-section', attr: { id: 'gaps' } });
  el(gaps, 'h2', { text: 'Gaps' });
  renderGaps(gaps, r.gaps, { links, limit: 200 });

  if (r.comparison) {
    const cmp = el(main, 'section', { cls: 'acm-report-section', attr: { id: 'comparison' } });
    el(cmp, 'h2', { text: `Compared with "${r.comparison.layer}"` });
    renderComparison(cmp, r.comparison, links, 500);
  }
  const footer = el(body, 'footer', { cls: 'acm-report-footer' });
  el(footer, 'div', { text: 'Generated by attack-coverage from an Obsidian vault.' });
  if (r.attribution) el(footer, 'div', { text: r.attribution });
}

/**
 * A rendered report document as HTML text. The serialiser (browser, jsdom or linkedom) escapes every
 * text node and attribute value, so note content stays text; the title is escaped here (see below).
 */
export function serializeReport(doc: Document): string {
  let html = doc.documentElement.outerHTML;
  // linkedom writes <title> text raw, so a title holding "</title>" would end the element and add markup
  // to the page; write it escaped, as a browser serialises it.
  const title = doc.querySelector('head > title');
  if (title) html = html.replace(title.outerHTML, () => `<title>${escapeText(title.textContent ?? '')}</title>`);
  return `<!DOCTYPE html>\n${html}\n`;
}

function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
