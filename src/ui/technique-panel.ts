/**
 * The coverage panel as DOM: one renderer for the side pane, the `attack-coverage` block, the Dataview
 * stand-in, the browser harness and the CLI's HTML report. Standard DOM through `dom.ts` only (no
 * Obsidian helpers, no inline styles, no HTML parsing: every note-derived string is set as text).
 * Looks come from `styles.css`, which uses Obsidian's CSS variables.
 */
import { atomicTestTotal, type TechniqueStatus } from '../core/coverage-index';
import { el, noteLink, text, type LinkHandler } from './dom';
import { plural } from '../core/words';
import {
  RULE_COLUMNS,
  RULE_COLUMN_LABELS,
  type CoverageSection,
  type PanelModel,
  type RuleColumn,
  type RuleRow,
  type RuleTechnique,
  type TechniqueSummary,
  type TestRow,
} from './panel-model';

export type SortDirection = 'ascending' | 'descending';

export interface SortState {
  key: string;
  dir: SortDirection;
}

/** What the user changed in a panel (sorting, open sections), kept by the caller across re-renders. */
export class PanelState {
  readonly sort = new Map<string, SortState>();
  readonly open = new Map<string, boolean>();
}

export interface PanelOptions {
  links: LinkHandler;
  /** Rule-table columns after the name (default: all). */
  columns?: readonly RuleColumn[];
  state?: PanelState;
  /** The note the panel is shown for or in: it is named, not linked. */
  currentPath?: string;
  /** Offered under a cut rules table. */
  onShowAll?: () => void;
  /** Rendered inside a note (a block): the note's own technique is not titled again. */
  inNote?: boolean;
}

const P = 'attack-coverage';

// ---- small pieces ---------------------------------------------------------------------------------


function capitalize(s: string): string {
  return s ? s.charAt(0).toUpperCase() + s.slice(1) : s;
}

const VENDOR_LABELS: Record<string, string> = { sigma: 'Sigma', elastic: 'Elastic', splunk: 'Splunk' };

export function vendorLabel(v: string): string {
  return VENDOR_LABELS[v] ?? (v ? capitalize(v) : 'Unknown vendor');
}

const STATUS_LABELS: Record<Exclude<TechniqueStatus, 'active'>, string> = {
  deprecated: 'Deprecated',
  revoked: 'Revoked',
  unknown: 'Not in ATT&CK',
  newer: 'Next ATT&CK release',
};

const LEVEL_RANK = ['critical', 'high', 'medium', 'low', 'informational'];
const STATUS_RANK = ['stable', 'test', 'experimental', 'deprecated', 'unsupported'];

function rank(order: string[], v: string): number {
  const i = order.indexOf(v.toLowerCase());
  return i < 0 ? order.length : i;
}

/** "5 rules (3 from sub-techniques, 41 under its successor) · 4 atomic tests in 1 note (77 under its successor)" */
export function summaryLine(s: TechniqueSummary): string {
  const aside = (parts: string[]): string => (parts.some(Boolean) ? ` (${parts.filter(Boolean).join(', ')})` : '');
  const successor = (n: number): string => (n ? `${n} under its successor` : '');
  let line = plural(s.rules + s.rolledUpRules, 'rule');
  line += aside([s.rolledUpRules ? `${s.rolledUpRules} from sub-techniques` : '', successor(s.successorRules)]);
  line += ` · ${plural(s.tests + s.rolledUpTests, 'atomic test')}`;
  if (s.testNotes) line += ` in ${plural(s.testNotes, 'note')}`;
  return line + aside([successor(s.successorTests)]);
}

/** A note's name: a link, unless it is the note the panel is shown for. */
function noteName(parent: Element, path: string, label: string, opts: PanelOptions, cls?: string): void {
  if (path === opts.currentPath) el(parent, 'span', { cls: [`${P}-self`, cls ?? ''], text: label });
  else {
    const a = noteLink(parent, path, label, opts.links);
    if (cls) a.classList.add(cls);
  }
}

function techniqueTitle(parent: Element, s: TechniqueSummary, opts: PanelOptions, tag: 'div' | 'span' = 'div'): HTMLElement {
  const title = el(parent, tag, { cls: `${P}-title` });
  el(title, 'span', { cls: `${P}-id`, text: s.id });
  const name = s.name || 'Unnamed technique';
  if (s.path) noteName(title, s.path, name, opts, `${P}-name`);
  else el(title, 'span', { cls: `${P}-name`, text: name });
  if (s.status !== 'active') {
    const label = STATUS_LABELS[s.status] + (s.replacement ? `: use ${s.replacement}` : '');
    el(title, 'span', { cls: [`${P}-badge`, `mod-${s.status}`], text: label });
  }
  return title;
}

function gapList(parent: Element, gaps: string[]): void {
  if (!gaps.length) return;
  const ul = el(parent, 'ul', { cls: `${P}-gaps`, attr: { 'aria-label': 'Gaps' } });
  for (const g of gaps) el(ul, 'li', { text: capitalize(g) });
}

function sectionTitle(parent: Element, label: string, count?: string): void {
  const h = el(parent, 'div', { cls: `${P}-section-title`, attr: { role: 'heading', 'aria-level': 4 } });
  text(h, label);
  if (count) el(h, 'span', { cls: `${P}-count`, text: count });
}

function setText(node: Element, s: string): void {
  node.textContent = s;
}

function muted(parent: Element, s: string, cls = `${P}-muted`): HTMLElement {
  return el(parent, 'div', { cls, text: s });
}

// ---- sortable tables -----------------------------------------------------------------------------

interface Column<T> {
  key: string;
  label: string;
  value: (row: T) => string | number;
  cell: (td: HTMLTableCellElement, row: T) => void;
  cls?: string;
}

interface Group<T> {
  label: string | null;
  rows: T[];
}

function compare(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), undefined, { sensitivity: 'base', numeric: true });
}

/**
 * A table whose column headers are buttons: a click sorts by that column (again: reverses), shown with
 * `aria-sort`. Groups become separate `tbody`s headed by a row, and sort within themselves.
 */
function sortableTable<T>(parent: Element, id: string, columns: Column<T>[], groups: Group<T>[], opts: PanelOptions, caption?: string): HTMLTableElement {
  const table = el(parent, 'table', { cls: `${P}-table`, attr: { 'data-table': id } });
  if (caption) el(table, 'caption', { cls: `${P}-sr-only`, text: caption });
  const headRow = el(el(table, 'thead'), 'tr');
  const ths = columns.map((c) => {
    const th = el(headRow, 'th', { cls: c.cls ?? '', attr: { scope: 'col', 'data-key': c.key } });
    const button = el(th, 'button', { cls: `${P}-sort`, text: c.label, attr: { type: 'button' } });
    button.addEventListener('click', () => {
      const cur = opts.state?.sort.get(id);
      const next: SortState = { key: c.key, dir: cur?.key === c.key && cur.dir === 'ascending' ? 'descending' : 'ascending' };
      opts.state?.sort.set(id, next);
      fill(next);
    });
    return th;
  });
  const bodies = groups.map(() => el(table, 'tbody'));

  const fill = (sort: SortState | undefined): void => {
    ths.forEach((th, i) => {
      if (sort && columns[i]?.key === sort.key) th.setAttribute('aria-sort', sort.dir);
      else th.removeAttribute('aria-sort');
    });
    const col = sort ? columns.find((c) => c.key === sort.key) : undefined;
    groups.forEach((g, gi) => {
      const tbody = bodies[gi] as HTMLTableSectionElement;
      tbody.replaceChildren();
      if (g.label !== null) {
        const tr = el(tbody, 'tr', { cls: `${P}-group` });
        el(tr, 'th', { text: g.label, attr: { colspan: columns.length, scope: 'colgroup' } });
      }
      let rows = g.rows;
      if (col && sort) {
        const sign = sort.dir === 'ascending' ? 1 : -1;
        rows = [...rows].sort((a, b) => sign * compare(col.value(a), col.value(b)));
      }
      for (const r of rows) {
        const tr = el(tbody, 'tr');
        for (const c of columns) c.cell(el(tr, 'td', { cls: c.cls ?? '' }), r);
      }
    });
  };
  fill(opts.state?.sort.get(id));
  return table;
}

function ruleColumns(opts: PanelOptions, marks: 'via' | 'none'): Column<RuleRow>[] {
  const cols: Column<RuleRow>[] = [
    {
      key: 'title',
      label: 'Rule',
      cls: `${P}-col-name`,
      value: (r) => r.title,
      cell: (td, r) => {
        noteName(td, r.path, r.title || r.path, opts);
        if (marks === 'via' && r.via) {
          el(td, 'span', { cls: `${P}-via`, text: r.via, title: `Rolled up from sub-technique ${r.via}` });
        }
      },
    },
  ];
  const chosen = opts.columns ?? RULE_COLUMNS;
  for (const key of RULE_COLUMNS) {
    if (!chosen.includes(key)) continue;
    if (key === 'status') {
      cols.push({ key, label: RULE_COLUMN_LABELS.status, value: (r) => rank(STATUS_RANK, r.status), cell: (td, r) => pill(td, r.status, 'status') });
    } else if (key === 'level') {
      cols.push({ key, label: RULE_COLUMN_LABELS.level, value: (r) => rank(LEVEL_RANK, r.level), cell: (td, r) => pill(td, r.level, 'level') });
    } else if (key === 'logsource') {
      cols.push({ key, label: RULE_COLUMN_LABELS.logsource, value: (r) => r.logsource, cell: (td, r) => setText(td, r.logsource || '—') });
    } else {
      cols.push({ key, label: RULE_COLUMN_LABELS.vendor, value: (r) => r.vendor, cell: (td, r) => setText(td, vendorLabel(r.vendor)) });
    }
  }
  return cols;
}

function pill(td: HTMLElement, value: string, kind: 'status' | 'level'): void {
  if (!value) {
    td.textContent = '—';
    return;
  }
  el(td, 'span', { cls: [`${P}-${kind}`, `mod-${value.toLowerCase().replace(/[^a-z0-9-]/g, '')}`], text: value });
}

/** Rules grouped by vendor (largest group first), each group headed "Sigma · 5". */
function byVendor(rows: RuleRow[]): Group<RuleRow>[] {
  const map = new Map<string, RuleRow[]>();
  for (const r of rows) map.set(r.vendor, [...(map.get(r.vendor) ?? []), r]);
  return [...map.entries()]
    .sort((a, b) => b[1].length - a[1].length || vendorLabel(a[0]).localeCompare(vendorLabel(b[0])))
    .map(([v, list]) => ({ label: `${vendorLabel(v)} · ${list.length}`, rows: list }));
}

export function rulesTable(parent: Element, id: string, rows: RuleRow[], opts: PanelOptions, marks: 'via' | 'none' = 'via'): HTMLTableElement {
  return sortableTable(parent, id, ruleColumns(opts, marks), byVendor(rows), opts, 'Rules');
}

function testsTable(parent: Element, id: string, rows: TestRow[], opts: PanelOptions): HTMLTableElement {
  const cols: Column<TestRow>[] = [
    {
      key: 'title',
      label: 'Test note',
      cls: `${P}-col-name`,
      value: (t) => t.title,
      cell: (td, t) => {
        noteName(td, t.path, t.title || t.path, opts);
        if (t.via) el(td, 'span', { cls: `${P}-via`, text: t.via, title: `Rolled up from sub-technique ${t.via}` });
      },
    },
    { key: 'tests', label: 'Tests', cls: `${P}-col-num`, value: (t) => t.testCount, cell: (td, t) => setText(td, String(t.testCount)) },
  ];
  return sortableTable(parent, id, cols, [{ label: null, rows }], opts, 'Atomic tests');
}

function moreRules(parent: Element, hidden: number, opts: PanelOptions): void {
  if (hidden > 0) notShown(parent, `${plural(hidden, 'more rule')} not shown`, opts.onShowAll);
}

/** "N more … not shown", with a "Show all" button when the caller can lift the limit. */
export function notShown(parent: Element, message: string, onShowAll?: () => void): void {
  const more = el(parent, 'div', { cls: `${P}-more` });
  text(more, message);
  if (onShowAll) {
    const b = el(more, 'button', { cls: `${P}-show-all`, text: 'Show all', attr: { type: 'button' } });
    b.addEventListener('click', () => onShowAll());
  }
}

// ---- sections ---------------------------------------------------------------------------------------

/** A technique's coverage: header, gaps, rules by vendor, successor rules, atomic tests. */
export function renderCoverageSection(parent: Element | DocumentFragment, s: CoverageSection, opts: PanelOptions, idPrefix = ''): void {
  const root = el(parent, 'div', { cls: `${P}-technique`, attr: { 'data-technique': s.summary.id } });
  const header = el(root, 'div', { cls: `${P}-header` });
  if (!(opts.inNote && s.summary.path !== null && s.summary.path === opts.currentPath)) techniqueTitle(header, s.summary, opts);
  muted(header, summaryLine(s.summary), `${P}-summary`);
  for (const p of s.problems) muted(root, capitalize(p), `${P}-problem`);
  if (s.show.gaps) gapList(root, s.summary.gaps);

  if (s.show.rules) {
    const sec = el(root, 'section', { cls: `${P}-section ${P}-rules` });
    const total = s.rules.length + s.hiddenRules;
    sectionTitle(sec, 'Detection rules', String(total));
    if (total === 0) muted(sec, s.successor ? `No rules under ${s.summary.id}.` : `No detection rule covers ${s.summary.id}.`);
    else {
      rulesTable(sec, `${idPrefix}rules`, s.rules, opts);
      moreRules(sec, s.hiddenRules, opts);
    }
    if (s.successor) {
      const succ = el(root, 'section', { cls: `${P}-section ${P}-successor` });
      sectionTitle(succ, `Under ${s.successor.id}, its next-release ID`, String(s.successor.rules.length));
      rulesTable(succ, `${idPrefix}successor`, s.successor.rules, opts, 'none');
    }
  }

  if (s.show.tests) {
    const sec = el(root, 'section', { cls: `${P}-section ${P}-tests` });
    const count = s.summary.tests + s.summary.rolledUpTests;
    sectionTitle(sec, 'Atomic tests', String(count));
    if (s.tests.length === 0) muted(sec, `No atomic test note for ${s.summary.id}.`);
    else testsTable(sec, `${idPrefix}tests`, s.tests, opts);
  }
}

function ruleTechnique(parent: Element, t: RuleTechnique, opts: PanelOptions, open: boolean): void {
  const key = `rule:${t.summary.id}`;
  const details = el(parent, 'details', { cls: `${P}-covered`, attr: { 'data-technique': t.summary.id } });
  details.open = opts.state?.open.get(key) ?? open;
  details.addEventListener('toggle', () => opts.state?.open.set(key, details.open));
  const summary = el(details, 'summary', { cls: `${P}-covered-summary` });
  techniqueTitle(summary, t.summary, opts, 'span');
  const body = el(details, 'div', { cls: `${P}-covered-body` });
  muted(body, summaryLine(t.summary), `${P}-summary`);
  gapList(body, t.summary.gaps);
  const rules = el(body, 'section', { cls: `${P}-section ${P}-rules` });
  sectionTitle(rules, 'Other rules', String(t.otherRules.length + t.hiddenRules));
  if (t.otherRules.length === 0) muted(rules, `No other rule covers ${t.summary.id}.`);
  else {
    rulesTable(rules, `rules:${t.summary.id}`, t.otherRules, opts);
    moreRules(rules, t.hiddenRules, opts);
  }
  const tests = el(body, 'section', { cls: `${P}-section ${P}-tests` });
  sectionTitle(tests, 'Atomic tests', String(atomicTestTotal(t.tests)));
  if (t.tests.length === 0) muted(tests, `No atomic test note for ${t.summary.id}.`);
  else testsTable(tests, `tests:${t.summary.id}`, t.tests, opts);
}

// ---- the panel -----------------------------------------------------------------------------------------

/** Renders a panel model into `parent` (append only: callers render into a detached element and swap). */
export function renderPanel(parent: Element | DocumentFragment, model: PanelModel, opts: PanelOptions): void {
  const root = el(parent, 'div', { cls: [`${P}-panel`, `mod-${model.kind}`] });
  switch (model.kind) {
    case 'indexing': {
      const msg = model.total ? `Indexing the vault… ${model.done} of ${model.total} notes` : 'Indexing the vault…';
      el(root, 'div', { cls: `${P}-indexing`, text: msg, attr: { role: 'status', 'aria-live': 'polite' } });
      return;
    }
    case 'empty':
      el(root, 'div', { cls: `${P}-empty`, text: model.message });
      return;
    case 'technique':
      renderCoverageSection(root, model.section, opts);
      return;
    case 'rule': {
      const header = el(root, 'div', { cls: `${P}-header` });
      el(header, 'div', { cls: `${P}-kind`, text: 'Detection rule' });
      el(header, 'div', { cls: `${P}-title`, text: model.rule.title });
      const meta = el(header, 'div', { cls: `${P}-meta` });
      const parts = [vendorLabel(model.rule.vendor), model.rule.status, model.rule.level, model.rule.logsource].filter(Boolean);
      text(meta, parts.join(' · '));
      const n = model.techniques.length;
      if (n === 0) {
        muted(root, 'This rule names no ATT&CK technique.', `${P}-problem`);
        return;
      }
      sectionTitle(root, 'Covers', plural(n, 'technique'));
      model.techniques.forEach((t, i) => ruleTechnique(root, t, opts, i === 0 || n <= 2));
      return;
    }
    case 'test': {
      const header = el(root, 'div', { cls: `${P}-header` });
      el(header, 'div', { cls: `${P}-kind`, text: 'Atomic test note' });
      el(header, 'div', { cls: `${P}-title`, text: model.title });
      muted(header, `${plural(model.testCount, 'atomic test')} in this note`, `${P}-meta`);
      model.sections.forEach((s, i) => renderCoverageSection(root, s, opts, i ? `${s.summary.id}:` : ''));
      return;
    }
    case 'other': {
      const header = el(root, 'div', { cls: `${P}-header` });
      el(header, 'div', { cls: `${P}-title`, text: model.title });
      if (model.mentions.length === 0) {
        muted(root, 'This note mentions no ATT&CK technique ID.');
        return;
      }
      sectionTitle(root, 'Techniques mentioned', String(model.mentions.length + model.more));
      const ul = el(root, 'ul', { cls: `${P}-mentions` });
      for (const m of model.mentions) {
        const li = el(ul, 'li', { attr: { 'data-technique': m.summary.id } });
        techniqueTitle(li, m.summary, opts);
        const line = el(li, 'div', { cls: `${P}-summary` });
        text(line, summaryLine(m.summary));
        el(line, 'span', { cls: `${P}-from`, text: ` · in ${m.from.join(', ')}` });
        if (m.summary.gaps.length) el(li, 'div', { cls: `${P}-gap-line`, text: m.summary.gaps.map(capitalize).join(' · ') });
      }
      if (model.more) muted(root, `${plural(model.more, 'more technique')} not shown`, `${P}-more`);
      return;
    }
  }
}
