/**
 * Browser entry for the Chromium checks, screenshots and the matrix benchmark: the real engine and
 * the real matrix renderer in a page, fed with note sources read by the CLI's reader. Bundled by
 * `browser.ts` (esbuild, IIFE, global `acm`); no Obsidian, no Node APIs.
 */
import { CORE_SCHEMA, load } from 'js-yaml';
import { defaultCatalog } from '../../src/core/attack/catalog';
import { CoverageIndex } from '../../src/core/coverage-index';
import { parseLayerFile, overlayCatalog, type LayerOverlay } from '../../src/core/layers';
import type { NoteSource } from '../../src/core/metadata';
import { MatrixModel, type ScoreKind } from '../../src/core/matrix';
import { renderMatrix, renderMatrixControls, type MatrixControlValues, type MatrixHandle } from '../../src/ui/matrix';

let index: CoverageIndex;
let model: MatrixModel;
let handle: MatrixHandle | null = null;
let overlay: LayerOverlay | null = null;
/** What the page's link handler and create button were asked to do, for the tests. */
export const calls: { open: string[]; create: string[]; hover: string[] } = { open: [], create: [], hover: [] };

const app = (): HTMLElement => document.getElementById('app') as HTMLElement;

export function setup(sources: NoteSource[]): number {
  index = new CoverageIndex({ catalog: defaultCatalog(), env: { parseYaml: (t) => load(t, { schema: CORE_SCHEMA }) } });
  index.upsertAll(sources);
  return index.size;
}

export function setOverlay(layerText: string | null): void {
  overlay = layerText ? parseLayerFile(layerText, overlayCatalog(defaultCatalog())) : null;
}

export interface RenderTiming {
  model: number;
  dom: number;
  layout: number;
  total: number;
  cells: number;
  techniques: number;
}

/** Model + DOM built detached + swapped in + style and layout forced: what the view does on open. */
export function render(score: ScoreKind = 'state', controls = false, expanded: 'none' | 'annotated' | 'all' = 'annotated'): RenderTiming {
  const t0 = performance.now();
  model = new MatrixModel(index, defaultCatalog());
  const t1 = performance.now();
  const next = document.createElement('div');
  if (controls) {
    const values: MatrixControlValues = { score, platform: '', vendor: '', status: '', level: '', product: '' };
    renderMatrixControls(next, model, values, { onChange: () => undefined, onExpand: () => undefined, onClearOverlay: () => undefined }, overlay);
  }
  handle?.destroy();
  handle = renderMatrix(next, model, {
    score,
    links: {
      href: (p) => p,
      open: (p) => void calls.open.push(p),
      hover: (p) => void calls.hover.push(p),
    },
    onCreate: (id) => void calls.create.push(id),
    overlay,
    expanded,
    caption: `ATT&CK ${model.attackVersion} · ${model.matrixCells().length} techniques`,
  });
  const t2 = performance.now();
  app().replaceChildren(next);
  void app().offsetHeight; // force style and layout now, inside the measurement
  const t3 = performance.now();
  return { model: t1 - t0, dom: t2 - t1, layout: t3 - t2, total: t3 - t0, cells: next.querySelectorAll('.acm-cell').length, techniques: model.matrixCells().length };
}

export interface UpdateTiming {
  index: number;
  model: number;
  dom: number;
  total: number;
  changed: string[];
  structural: boolean;
}

/** One note changed: re-index it, recompute the cells it reaches, patch them, force layout. */
export function update(source: NoteSource): UpdateTiming {
  const t0 = performance.now();
  let paths: string[] = [];
  const off = index.onChange((c) => (paths = c.paths));
  index.upsert(source);
  off();
  const t1 = performance.now();
  const delta = model.applyChange(paths);
  const t2 = performance.now();
  if (delta.structural) render();
  else handle?.update(delta.changed);
  void app().offsetHeight;
  const t3 = performance.now();
  return { index: t1 - t0, model: t2 - t1, dom: t3 - t2, total: t3 - t0, changed: delta.changed, structural: delta.structural };
}

/** Wait for the next painted frame (two animation frames), for "time to pixels" figures. */
export function nextFrame(): Promise<number> {
  return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now()))));
}
