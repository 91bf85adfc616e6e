/**
 * The coverage matrix as DOM: tactics as columns, techniques as cells, sub-techniques in a native
 * `<details>` under their parent (expandable without script, so the HTML report works as is), a legend
 * that is always visible, and controls for the plugin's view. Colours come only from CSS classes
 * (the matrix section of `styles.css`, Obsidian theme variables); text is always set as text.
 *
 * The same functions run in Obsidian, in Chromium (benchmark, tests) and on linkedom (the CLI's report).
 * `renderMatrix` returns a handle whose `update(ids)` patches only the cells that changed.
 */
import type { Catalog } from '../core/attack/catalog';
import type { CoverageBlock } from '../core/coverage-block';
import type { CoverageIndex } from '../core/coverage-index';
import { gapsFromModel } from '../core/gaps';
import { cellSummary } from '../core/layers/export';
import { comparisonSummary, unmatchedLine, type Comparison } from '../core/layers/compare';
import { overlayEntryShown, overlayEntryUnder, type LayerOverlay, type OverlayEntry } from '../core/layers/import';
import type { TechniqueId } from '../core/ids';
import {
  COVERAGE_STATES,
  LEVEL_WEIGHTS,
  SCORE_BUCKETS,
  SCORE_KINDS,
  SCORE_LABELS,
  STATE_LABELS,
  bucketLabel,
  bucketOf,
  scoreOf,
  type MatrixCell,
  type MatrixColumn,
  MatrixModel,
  type ScoreKind,
} from '../core/matrix';
import { el, noteLink, type LinkHandler } from './dom';
import { renderGaps } from './gaps';
import { plural } from '../core/words';

export type ExpandMode = 'none' | 'annotated' | 'all';

export interface MatrixRenderOptions {
  score: ScoreKind;
  links: LinkHandler;
  /** "Create note" affordance on techniques without a note (the plugin passes one; the report does not). */
  onCreate?: (id: TechniqueId) => void;
  overlay?: LayerOverlay | null;
  /** Which parents start expanded: a mode, or the exact set (kept across re-renders by the view). */
  expanded?: ExpandMode | ReadonlySet<TechniqueId>;
  /** Caption above the legend (e.g. "ATT&CK 18.1 · 691 techniques"). */
  caption?: string;
}

export interface MatrixHandle {
  readonly root: HTMLElement;
  /** Re-draw these cells (and the counts that depend on them) from the model. */
  update(ids: Iterable<TechniqueId>): void;
  /** Parents currently expanded. */
  expanded(): Set<TechniqueId>;
  /** Open or close every parent. */
  expandAll(open: boolean): void;
  /** Stop listening to the DOM. */
  destroy(): void;
}

/**
 * Index changes a drawn matrix has not shown yet, and patching them in: the matrix view and `view: matrix`
 * blocks redraw only the cells a change reaches.
 */
export class MatrixChanges {
  private readonly paths = new Set<string>();
  private rebuild = false;

  /** Records an index change (an `onChange` listener); one that names no notes (catalog, settings) calls for a full draw. */
  readonly record = (change: { paths: readonly string[] }): void => {
    for (const p of change.paths) this.paths.add(p);
    if (change.paths.length === 0) this.rebuild = true;
  };

  /** Whether nothing was recorded since the matrix was drawn or patched. */
  get none(): boolean {
    return this.paths.size === 0 && !this.rebuild;
  }

  /** The matrix has just been drawn whole: what was recorded is in it. */
  drawn(): void {
    this.paths.clear();
    this.rebuild = false;
  }

  /**
   * Brings a drawn matrix up to date in place; returns how many cells changed, or null when it must be
   * drawn whole instead (a change named no notes, or the cells' layout moved).
   */
  patch(model: MatrixModel, handle: MatrixHandle, revision: number): number | null {
    if (this.rebuild) return null;
    if (this.paths.size === 0) return 0;
    const delta = model.applyChange([...this.paths], revision);
    this.paths.clear();
    if (delta.structural) return null;
    handle.update(delta.changed);
    return delta.changed.length;
  }
}

const NUMERIC_UNITS: Record<Exclude<ScoreKind, 'state'>, [string, string]> = {
  rules: ['rule', 'rules'],
  level: ['level point', 'level points'],
  tests: ['test', 'tests'],
};


/** The score class of a cell: `is-state-covered-tested` or `is-score-0` … `is-score-4`. */
export function scoreClass(cell: MatrixCell, kind: ScoreKind): string {
  return kind === 'state' ? `is-state-${cell.state}` : `is-score-${bucketOf(kind, scoreOf(cell, kind))}`;
}

/** Short text in the cell's corner: the score, or "rules · tests" for the state. */
export function badgeText(cell: MatrixCell, kind: ScoreKind): string {
  return kind === 'state' ? `${cell.rules.length}·${cell.testCount}` : String(scoreOf(cell, kind));
}

/** Hover text: every count, the note, the status and the overlay's view of the technique. */
export function cellTitle(cell: MatrixCell, overlay?: LayerOverlay | null, canCreate = false, ov?: OverlayEntry): string {
  const lines = [`${cell.id} ${cell.name}`, cellSummary(cell)];
  if (cell.status !== 'active') {
    const repl = cell.replacement ? ` → ${cell.replacement}` : '';
    lines.push(cell.status === 'newer' ? 'Newer than the catalog release' : `${cell.status[0]?.toUpperCase()}${cell.status.slice(1)}${repl}`);
  } else if (cell.successor) {
    lines.push(`Becomes ${cell.successor} in the next ATT&CK release`);
  }
  lines.push(cell.notePath ? `Note: ${cell.notePath}` : canCreate ? 'No note yet: click the name to create it' : 'No note yet');
  if (overlay && ov) {
    lines.push(`In layer "${overlay.name}"${ov.score !== undefined ? `: score ${ov.score}` : ''}${cell.rules.length ? '' : ' — undetected'}`);
    if (ov.comment) lines.push(ov.comment.length > 200 ? `${ov.comment.slice(0, 200)}…` : ov.comment);
  }
  return lines.join('\n');
}

function isAnnotated(model: MatrixModel, cell: MatrixCell, kind: ScoreKind, tactic: string | null, overlay?: LayerOverlay | null): boolean {
  return cell.subtechniques.some((s) => {
    const c = model.cell(s);
    return !!c && ((kind === 'state' ? c.state !== 'neither' : scoreOf(c, kind) > 0) || !!overlayEntryUnder(overlay, s, tactic));
  });
}

/**
 * Fill (or re-fill) one cell element: classes, hover text, name (a note link when there is a note), badge.
 * `tactic` is the column's tactic (null outside the tactic columns): a layer entry scoped to another tactic is not drawn here.
 */
function fillCell(node: HTMLElement, cell: MatrixCell, o: MatrixRenderOptions, tactic: string | null): void {
  const cls = ['acm-cell', scoreClass(cell, o.score), cell.notePath ? 'has-note' : 'no-note'];
  if (cell.parent) cls.push('is-sub');
  if (cell.subtechniques.length) cls.push('has-subs');
  if (cell.status !== 'active') cls.push(`is-${cell.status}`);
  const ov = overlayEntryUnder(o.overlay, cell.id, tactic);
  if (ov) cls.push('has-overlay', cell.rules.length ? 'is-overlay-detected' : 'is-overlay-undetected');
  node.className = cls.join(' ');
  node.setAttribute('data-id', cell.id);
  node.setAttribute('title', cellTitle(cell, o.overlay, !!o.onCreate && cell.status === 'active', ov));
  node.replaceChildren();
  // The badge first: it floats right, so the name wraps around it and keeps whole words.
  el(node, 'span', { cls: 'acm-badge', text: badgeText(cell, o.score) });
  // Outside the matrix there is no tactic or parent to place a cell: show its ID.
  const label = cell.inMatrix ? cell.name : `${cell.id} ${cell.name}`;
  if (cell.notePath) {
    el(node, 'a', { cls: 'internal-link acm-name', text: label, attr: { href: o.links.href(cell.notePath), 'data-href': cell.notePath } });
  } else if (o.onCreate && cell.status === 'active') {
    // Like an unresolved link in Obsidian: following it creates the note (focusable, Enter works).
    el(node, 'a', { cls: 'acm-name acm-create', text: label, attr: { href: '#', 'data-create': cell.id, 'aria-label': `Create a note for ${cell.id} ${cell.name}` } });
  } else {
    el(node, 'span', { cls: 'acm-name', text: label });
  }
}

function columnCount(model: MatrixModel, col: MatrixColumn, kind: ScoreKind): { covered: number; total: number; word: string } {
  let covered = 0;
  for (const id of col.techniques) {
    const c = model.cell(id);
    if (!c) continue;
    if (kind === 'tests' ? c.testCount > 0 : c.rules.length > 0) covered++;
  }
  return { covered, total: col.techniques.length, word: kind === 'tests' ? 'tested' : 'covered' };
}

function fillColumnHeader(node: HTMLElement, model: MatrixModel, col: MatrixColumn, kind: ScoreKind): void {
  const n = columnCount(model, col, kind);
  node.replaceChildren();
  el(node, 'span', { cls: 'acm-tactic-name', text: col.title });
  el(node, 'span', { cls: 'acm-tactic-count', text: `${n.covered}/${n.total} ${n.word}` });
  node.setAttribute('title', `${col.tactic ? `${col.tactic.id} ${col.tactic.name}` : col.title}\n${n.covered} of ${n.total} techniques ${n.word}`);
}

/** The legend: what each colour means under the current score, with counts; always rendered. */
export function fillLegend(node: HTMLElement, model: MatrixModel, kind: ScoreKind, overlay?: LayerOverlay | null, caption?: string): void {
  node.replaceChildren();
  if (caption) el(node, 'span', { cls: 'acm-legend-caption', text: caption });
  el(node, 'span', { cls: 'acm-legend-title', text: `${SCORE_LABELS[kind]}:` });
  const cells = model.matrixCells();
  const item = (swatchCls: string, label: string, count?: number): void => {
    const it = el(node, 'span', { cls: 'acm-legend-item' });
    if (swatchCls === 'no-note') el(it, 'span', { cls: 'acm-legend-sample', text: 'Aa' });
    else el(it, 'span', { cls: `acm-swatch ${swatchCls}` });
    el(it, 'span', { text: count === undefined ? label : `${label} (${count})` });
  };
  if (kind === 'state') {
    for (const s of COVERAGE_STATES) item(`is-state-${s}`, STATE_LABELS[s], cells.filter((c) => c.state === s).length);
    el(node, 'span', { cls: 'acm-legend-note', text: 'Badge: rules · tests' });
  } else {
    const unit = NUMERIC_UNITS[kind];
    const counts = [0, 0, 0, 0, 0];
    for (const c of cells) counts[bucketOf(kind, scoreOf(c, kind))]! += 1;
    for (let b = 0; b <= SCORE_BUCKETS[kind].length; b++) {
      const range = bucketLabel(kind, b);
      item(`is-score-${b}`, b === 0 ? `No ${unit[1]}` : `${range} ${range === '1' ? unit[0] : unit[1]}`, counts[b]);
    }
    if (kind === 'level') {
      el(node, 'span', {
        cls: 'acm-legend-note',
        text: `Weights: ${Object.entries(LEVEL_WEIGHTS).map(([k, v]) => `${k} ${v}`).join(', ')}`,
      });
    }
  }
  item('no-note', 'no note yet', cells.filter((c) => !c.notePath).length);
  if (overlay) {
    // Cells drawn with the overlay's outline, as every other item counts cells. A v19 ID outlines its own
    // cell and the v18 cells it replaces, so these can exceed the comparison, which counts the layer's techniques.
    const inLayer = [...model.allCells()].filter((c) => overlayEntryShown(overlay, c));
    item('acm-swatch-overlay', `In "${overlay.name}"`, inLayer.length);
    item('acm-swatch-overlay-undetected', 'In the layer, undetected', inLayer.filter((c) => c.rules.length === 0).length);
  }
}

/**
 * Render the whole matrix into a new element appended to `parent`. Pass a detached parent and swap it
 * into the page in one step (as the view and the block do): the browser then lays out once.
 */
export function renderMatrix(parent: HTMLElement, model: MatrixModel, o: MatrixRenderOptions): MatrixHandle {
  const root = el(parent, 'div', { cls: ['acm-matrix', `acm-score-${o.score}`] });
  const legend = el(root, 'div', { cls: 'acm-legend', attr: { role: 'note' } });
  fillLegend(legend, model, o.score, o.overlay, o.caption);
  const grid = el(root, 'div', { cls: 'acm-grid' });
  // Each drawn cell with its column's tactic: a technique appears once per tactic it belongs to.
  const cellEls = new Map<TechniqueId, Array<[HTMLElement, string | null]>>();
  const headers: Array<[HTMLElement, MatrixColumn]> = [];
  const register = (id: TechniqueId, node: HTMLElement, tactic: string | null): void => {
    const list = cellEls.get(id);
    if (list) list.push([node, tactic]);
    else cellEls.set(id, [[node, tactic]]);
  };
  const isOpen = (cell: MatrixCell, tactic: string | null): boolean => {
    const e = o.expanded ?? 'annotated';
    if (e === 'all') return true;
    if (e === 'none') return false;
    if (e === 'annotated') return isAnnotated(model, cell, o.score, tactic, o.overlay);
    return e.has(cell.id);
  };
  for (const col of model.columns()) {
    const colEl = el(grid, 'div', { cls: ['acm-column', col.tactic ? '' : 'is-other'], attr: { 'data-tactic': col.key } });
    const head = el(colEl, 'div', { cls: 'acm-tactic' });
    fillColumnHeader(head, model, col, o.score);
    headers.push([head, col]);
    const list = el(colEl, 'div', { cls: 'acm-cells' });
    const tactic = col.tactic ? col.key : null;
    for (const id of col.techniques) {
      const cell = model.cell(id);
      if (!cell) continue;
      if (!cell.subtechniques.length) {
        const node = el(list, 'div');
        fillCell(node, cell, o, tactic);
        register(id, node, tactic);
        continue;
      }
      const det = el(list, 'details', { cls: 'acm-tech', attr: { 'data-id': id } });
      if (isOpen(cell, tactic)) det.setAttribute('open', '');
      const summary = el(det, 'summary');
      fillCell(summary, cell, o, tactic);
      register(id, summary, tactic);
      const subs = el(det, 'div', { cls: 'acm-subs' });
      for (const sid of cell.subtechniques) {
        const sub = model.cell(sid);
        if (!sub) continue;
        const node = el(subs, 'div');
        fillCell(node, sub, o, tactic);
        register(sid, node, tactic);
      }
    }
  }

  const onClick = (ev: Event): void => {
    const target = ev.target as Element | null;
    const create = target?.closest('[data-create]');
    if (create && o.onCreate) {
      ev.preventDefault();
      ev.stopPropagation();
      o.onCreate(create.getAttribute('data-create') ?? '');
      return;
    }
    const link = target?.closest('a[data-href]');
    if (link && o.links.open) {
      ev.preventDefault();
      o.links.open(link.getAttribute('data-href') ?? '', ev as MouseEvent);
    }
  };
  const onHover = (ev: Event): void => {
    const link = (ev.target as Element | null)?.closest('a[data-href]');
    if (link && o.links.hover) o.links.hover(link.getAttribute('data-href') ?? '', ev as MouseEvent, link as HTMLElement);
  };
  root.addEventListener('click', onClick);
  if (o.links.hover) root.addEventListener('mouseover', onHover);

  return {
    root,
    update(ids) {
      let any = false;
      for (const id of ids) {
        const cell = model.cell(id);
        const nodes = cellEls.get(id);
        if (!cell || !nodes) continue;
        for (const [n, tactic] of nodes) fillCell(n, cell, o, tactic);
        any = true;
      }
      if (!any) return;
      for (const [head, col] of headers) fillColumnHeader(head, model, col, o.score);
      fillLegend(legend, model, o.score, o.overlay, o.caption);
    },
    expanded() {
      const out = new Set<TechniqueId>();
      for (const d of Array.from(root.querySelectorAll('details.acm-tech'))) {
        if ((d as HTMLDetailsElement).open) out.add(d.getAttribute('data-id') ?? '');
      }
      return out;
    },
    expandAll(open) {
      for (const d of Array.from(root.querySelectorAll('details.acm-tech'))) {
        if (open) d.setAttribute('open', '');
        else d.removeAttribute('open');
      }
    },
    destroy() {
      root.removeEventListener('click', onClick);
      root.removeEventListener('mouseover', onHover);
    },
  };
}

// ---- controls (the plugin's view) ----------------------------------------------------------------

export interface MatrixControlValues {
  score: ScoreKind;
  platform: string;
  vendor: string;
  status: string;
  level: string;
  product: string;
}

export interface MatrixControlHandlers {
  onChange(values: MatrixControlValues): void;
  onExpand?(open: boolean): void;
  onClearOverlay?(): void;
}

/** Score and filter menus, plus expand / collapse buttons and the overlay's name. */
export function renderMatrixControls(
  parent: HTMLElement,
  model: MatrixModel,
  values: MatrixControlValues,
  h: MatrixControlHandlers,
  overlay?: LayerOverlay | null,
): HTMLElement {
  const bar = el(parent, 'div', { cls: 'acm-controls' });
  const facets = model.ruleFacets();
  const current = { ...values };
  const select = (key: keyof MatrixControlValues, label: string, anyLabel: string | null, options: Array<[string, string]>): void => {
    const wrap = el(bar, 'label', { cls: 'acm-control' });
    el(wrap, 'span', { cls: 'acm-control-label', text: label });
    const s = el(wrap, 'select', { cls: 'dropdown', attr: { 'data-control': key } });
    const all: Array<[string, string]> = anyLabel === null ? options : [['', anyLabel], ...options];
    for (const [v, t] of all) {
      const opt = el(s, 'option', { text: t, attr: { value: v } });
      if (v === current[key]) opt.setAttribute('selected', '');
    }
    s.addEventListener('change', () => {
      (current as Record<string, string>)[key] = s.value;
      h.onChange({ ...current });
    });
  };
  select('score', 'Score', null, SCORE_KINDS.map((k) => [k, SCORE_LABELS[k]]));
  select('platform', 'Platform', 'All platforms', model.platforms().map((p) => [p.toLowerCase(), p]));
  select('vendor', 'Vendor', 'Any vendor', facets.vendor.map((v) => [v, v]));
  select('status', 'Status', 'Any status', facets.status.map((v) => [v, v]));
  select('level', 'Level', 'Any level', facets.level.map((v) => [v, v]));
  select('product', 'Log source product', 'Any product', facets.product.map((v) => [v, v]));
  if (h.onExpand) {
    const expand = el(bar, 'button', { cls: 'acm-button', text: 'Expand all', attr: { type: 'button' } });
    expand.addEventListener('click', () => h.onExpand?.(true));
    const collapse = el(bar, 'button', { cls: 'acm-button', text: 'Collapse all', attr: { type: 'button' } });
    collapse.addEventListener('click', () => h.onExpand?.(false));
  }
  if (overlay) {
    const ov = el(bar, 'span', { cls: 'acm-overlay-name', text: `Overlay: ${overlay.name}` });
    if (h.onClearOverlay) {
      const clear = el(ov, 'button', { cls: 'acm-button', text: 'Remove overlay', attr: { type: 'button' } });
      clear.addEventListener('click', () => h.onClearOverlay?.());
    }
  }
  return bar;
}

// ---- technique table and comparison (report, view) -----------------------------------------------

export interface TableOptions {
  links: LinkHandler;
  /** All matrix techniques, not only those with a note, a rule or a test (default false). */
  all?: boolean;
  limit?: number;
}

function displayName(model: MatrixModel, cell: MatrixCell): string {
  return model.catalog.displayName(cell.id) ?? cell.name;
}

/** One row per technique that has a note, a rule or a test: counts, state and the note. */
export function renderTechniqueTable(parent: HTMLElement, model: MatrixModel, o: TableOptions): HTMLTableElement {
  const rows = [...model.allCells()]
    .filter((c) => o.all || c.notePath || c.rules.length || c.tests.length)
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  const table = el(parent, 'table', { cls: 'acm-table' });
  const head = el(el(table, 'thead'), 'tr');
  for (const h of ['ID', 'Technique', 'Tactics', 'Rules', 'Level score', 'Tests', 'State']) el(head, 'th', { text: h });
  const body = el(table, 'tbody');
  const limit = o.limit ?? Number.MAX_SAFE_INTEGER;
  for (const c of rows.slice(0, limit)) {
    const tr = el(body, 'tr', { attr: { 'data-id': c.id } });
    el(tr, 'td', { cls: 'acm-mono', text: c.id });
    const name = el(tr, 'td');
    if (c.notePath) noteLink(name, c.notePath, displayName(model, c), o.links);
    else el(name, 'span', { cls: 'acm-muted', text: displayName(model, c) });
    if (c.status !== 'active') el(name, 'span', { cls: 'acm-muted', text: ` (${c.status}${c.replacement ? ` → ${c.replacement}` : ''})` });
    el(tr, 'td', { text: c.tactics.map((t) => model.catalog.tactic(t)?.name ?? t).join(', ') });
    el(tr, 'td', { cls: 'acm-num', text: String(c.rules.length) });
    el(tr, 'td', { cls: 'acm-num', text: String(c.levelScore) });
    el(tr, 'td', { cls: 'acm-num', text: String(c.testCount) });
    const st = el(tr, 'td');
    el(st, 'span', { cls: `acm-swatch is-state-${c.state}` });
    el(st, 'span', { text: STATE_LABELS[c.state] });
  }
  if (rows.length > limit) el(parent, 'div', { cls: 'acm-muted', text: `${rows.length - limit} more techniques not shown` });
  return table;
}

/** The vault against an imported layer: counts, then the techniques the layer has and the vault does not detect. */
export function renderComparison(parent: HTMLElement, c: Comparison, links: LinkHandler, limit = 100): HTMLElement {
  const box = el(parent, 'div', { cls: 'acm-comparison' });
  el(box, 'div', {
    cls: 'acm-comparison-summary',
    text: `${comparisonSummary(c)}.`,
  });
  if (c.unmatched.length) el(box, 'div', { cls: 'acm-muted', text: `Not in the matrix: ${unmatchedLine(c)}` });
  if (c.problems.length) {
    el(box, 'div', { cls: 'acm-muted', text: 'Read from the layer file with these problems:' });
    const list = el(box, 'ul', { cls: 'acm-comparison-problems' });
    for (const p of c.problems) el(list, 'li', { cls: 'acm-muted', text: p });
  }
  if (!c.undetected.length) return box;
  el(box, 'div', { cls: 'acm-section-title', text: 'In the layer but undetected' });
  const table = el(box, 'table', { cls: 'acm-table' });
  const head = el(el(table, 'thead'), 'tr');
  for (const h of ['ID', 'Technique', 'Layer score', 'Tests']) el(head, 'th', { text: h });
  const body = el(table, 'tbody');
  for (const r of c.undetected.slice(0, limit)) {
    const tr = el(body, 'tr', { attr: { 'data-id': r.id } });
    el(tr, 'td', { cls: 'acm-mono', text: r.id });
    const name = el(tr, 'td');
    // Opened through the handler: in the matrix view nothing else would open it.
    if (r.notePath) noteLink(name, r.notePath, r.name, links);
    else el(name, 'span', { text: r.name });
    el(tr, 'td', { cls: 'acm-num', text: r.layerScore === undefined ? '' : String(r.layerScore) });
    el(tr, 'td', { cls: 'acm-num', text: String(r.tests) });
  }
  if (c.undetected.length > limit) el(box, 'div', { cls: 'acm-muted', text: `${c.undetected.length - limit} more not shown` });
  return box;
}

/** For callers that need the unit words (tests, the CLI). */
export function scoreUnit(kind: Exclude<ScoreKind, 'state'>, n: number): string {
  return plural(n, ...NUMERIC_UNITS[kind]);
}

/**
 * An `attack-coverage` block with `view: matrix` or `view: gaps`, rendered into `parent` (the block's
 * own technique view is rendered elsewhere). Returns the matrix handle for incremental updates, if any.
 */
export function renderBlockView(
  parent: HTMLElement,
  block: CoverageBlock,
  index: CoverageIndex,
  catalog: Catalog,
  links: LinkHandler,
  onCreate?: (id: TechniqueId) => void,
): { model: MatrixModel; handle: MatrixHandle | null } {
  const model = new MatrixModel(index, catalog, {
    filters: { ...block.filters, platforms: block.platforms ?? [], tactics: block.tactics ?? [] },
    ...(block.rollUp !== undefined ? { rollUp: block.rollUp } : {}),
  });
  if (block.view === 'gaps') {
    renderGaps(parent, gapsFromModel(model, block.scope ?? 'notes'), { links, sections: block.gaps, limit: block.limit });
    return { model, handle: null };
  }
  const handle = renderMatrix(parent, model, {
    score: block.score ?? 'state',
    links,
    expanded: block.expand ?? 'annotated',
    caption: `ATT&CK ${model.attackVersion}`,
    ...(onCreate ? { onCreate } : {}),
  });
  return { model, handle };
}
