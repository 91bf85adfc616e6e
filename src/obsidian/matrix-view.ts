/**
 * The coverage matrix in Obsidian: a workspace view ("Coverage matrix") and the commands around it —
 * export a Navigator layer, import one as an overlay (compared with the vault), write the gap lists
 * into a note, save the HTML report that the CLI's `report` writes. The view refreshes only the cells that changed, only when it is visible, debounced.
 * Obsidian glue only; the model and the DOM come from core/ and ui/. No Node APIs here.
 */
import {
  FuzzySuggestModal,
  ItemView,
  Notice,
  TFile,
  debounce,
  normalizePath,
  type App,
  type HoverParent,
  type HoverPopover,
  type Plugin,
  type WorkspaceLeaf,
} from 'obsidian';
import type { Catalog } from '../core/attack/catalog';
import type { CoverageIndex } from '../core/coverage-index';
import { gapsFromModel, gapsMarkdown } from '../core/gaps';
import { techniqueFileName } from '../core/import/names';
import { techniqueNote } from '../core/import/technique-note';
import { compareWithLayer, exportLayer, LayerError, overlayCatalog, parseLayerFile, type LayerOverlay } from '../core/layers';
import { plural } from '../core/words';
import { MatrixModel, type MatrixFilters, type ScoreKind } from '../core/matrix';
import { MatrixChanges, renderComparison, renderMatrix, renderMatrixControls, type MatrixControlValues, type MatrixHandle } from '../ui/matrix';
import { renderReport, serializeReport } from '../ui/report';
import { obsidianLinks } from './links';
import { revealView } from './pane';

export const MATRIX_VIEW_TYPE = 'attack-coverage-matrix';
export const LAYER_FILE = 'ATT&CK coverage layer.json';
export const GAPS_NOTE = 'ATT&CK coverage gaps.md';
export const REPORT_FILE = 'ATT&CK coverage report.html';

/** What the matrix view's header buttons run: the export commands' own functions. */
interface MatrixActions {
  exportLayer: () => Promise<void>;
  saveReport: () => Promise<void>;
  showGaps: () => Promise<void>;
}

/** Shared by the views and commands of one plugin instance (never stored on the plugin). */
class MatrixState {
  overlay: LayerOverlay | null = null;
  controls: MatrixControlValues = { score: 'state', platform: '', vendor: '', status: '', level: '', product: '' };
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly getIndex: () => CoverageIndex,
    readonly getCatalog: () => Catalog,
  ) {}

  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  changed(): void {
    for (const fn of this.listeners) fn();
  }

  filters(): Partial<MatrixFilters> {
    const c = this.controls;
    const one = (v: string): string[] => (v ? [v] : []);
    return { platforms: one(c.platform), vendor: one(c.vendor), status: one(c.status), level: one(c.level), product: one(c.product) };
  }

  model(): MatrixModel {
    return new MatrixModel(this.getIndex(), this.getCatalog(), { filters: this.filters() });
  }
}

/** Create the Use-Case-Catalogue-style note for a technique in the first technique folder, then open it. */
async function createTechniqueNote(app: App, index: CoverageIndex, catalog: Catalog, id: string): Promise<void> {
  const t = catalog.get(id);
  if (!t) return void new Notice(`${id} is not in the ATT&CK catalog`);
  const folder = normalizePath(index.roleSettings.techniqueFolders[0] ?? '');
  const path = normalizePath(`${folder ? `${folder}/` : ''}${techniqueFileName(t.id, (catalog.displayName(t.id) ?? t.name).replace(/:/g, '-'))}.md`);
  let file = app.vault.getFileByPath(path);
  if (!file) {
    if (folder && !app.vault.getFolderByPath(folder)) await app.vault.createFolder(folder);
    file = await app.vault.create(path, techniqueNote(t, { catalog, blocks: 'coverage' }));
  }
  // The matrix is not navigable, so this opens beside it; make the new note the active one.
  await app.workspace.getLeaf(false).openFile(file, { active: true });
}

export class CoverageMatrixView extends ItemView implements HoverParent {
  hoverPopover: HoverPopover | null = null;
  private model: MatrixModel | null = null;
  private handle: MatrixHandle | null = null;
  private readonly changes = new MatrixChanges();
  private renderedRevision = -1;

  constructor(
    leaf: WorkspaceLeaf,
    private readonly state: MatrixState,
    private readonly actions: MatrixActions,
  ) {
    super(leaf);
  }

  getViewType(): string {
    return MATRIX_VIEW_TYPE;
  }

  getDisplayText(): string {
    return 'Coverage matrix';
  }

  override getIcon(): string {
    return 'layout-grid';
  }

  override async onOpen(): Promise<void> {
    // Header buttons, right to left: the same exports as the commands.
    this.addAction('list-checks', 'Show coverage gaps', () => void this.actions.showGaps());
    this.addAction('file-code', 'Save coverage report as HTML', () => void this.actions.saveReport());
    this.addAction('download', 'Export Navigator layer', () => void this.actions.exportLayer());
    this.contentEl.addClass('acm-view');
    this.render();
    const refresh = debounce(() => this.maybeRefresh(), 300, true);
    const index = this.state.getIndex();
    this.register(
      index.onChange((change) => {
        this.changes.record(change);
        refresh();
      }),
    );
    this.register(this.state.onChange(() => this.render()));
    // A hidden view owes a refresh: pay it when it is shown again.
    this.registerEvent(this.app.workspace.on('layout-change', () => this.maybeRefresh()));
    this.registerEvent(this.app.workspace.on('active-leaf-change', () => this.maybeRefresh()));
    await Promise.resolve();
  }

  override async onClose(): Promise<void> {
    this.handle?.destroy();
    this.handle = null;
    this.model = null;
    await Promise.resolve();
  }

  private maybeRefresh(): void {
    if (!this.contentEl.isShown() || !this.model) return;
    const index = this.state.getIndex();
    if (this.changes.none && this.renderedRevision === index.revision) return;
    const t0 = performance.now();
    const updated = this.handle ? this.changes.patch(this.model, this.handle, index.revision) : null;
    if (updated === null) return this.render();
    this.renderedRevision = index.revision;
    console.debug(`Coverage matrix: ${updated} cells updated in ${(performance.now() - t0).toFixed(1)} ms`);
  }

  /** Build the whole view detached, then swap it in one step, keeping scroll and expanded parents. */
  render(): void {
    const t0 = performance.now();
    const index = this.state.getIndex();
    const kept = this.handle?.expanded();
    const scroll = this.contentEl.scrollTop;
    this.handle?.destroy();
    this.changes.drawn();
    this.model = this.state.model();
    this.renderedRevision = index.revision;
    const next = createDiv({ cls: 'acm-view-body' });
    const s = this.state;
    renderMatrixControls(
      next,
      this.model,
      s.controls,
      {
        onChange: (values) => {
          s.controls = values;
          this.render();
        },
        onExpand: (open) => this.handle?.expandAll(open),
        onClearOverlay: () => {
          s.overlay = null;
          s.changed();
        },
      },
      s.overlay,
    );
    if (index.size === 0) next.createDiv({ cls: 'acm-view-status', text: 'No notes indexed yet: every technique shows from the catalog.' });
    const links = obsidianLinks(this.app, { source: MATRIX_VIEW_TYPE, hoverParent: this, sourcePath: () => '' });
    const cells = this.model.matrixCells();
    this.handle = renderMatrix(next, this.model, {
      score: s.controls.score,
      links,
      overlay: s.overlay,
      expanded: kept ?? 'none', // collapsed at first, as in Navigator; then as the user left them
      caption: `ATT&CK ${this.model.attackVersion} · ${cells.length} techniques`,
      onCreate: (id) => void createTechniqueNote(this.app, index, this.state.getCatalog(), id).catch((e: unknown) => new Notice(`Could not create the note: ${String(e)}`)),
    });
    if (s.overlay) renderComparison(next, compareWithLayer(this.model, s.overlay, s.controls.score), links);
    this.contentEl.replaceChildren(next);
    this.contentEl.scrollTop = scroll;
    console.debug(`Coverage matrix: ${cells.length} techniques rendered in ${(performance.now() - t0).toFixed(1)} ms`);
  }
}

/** A layer file to import: one in the vault, or one picked from the device. */
interface LayerSource {
  name: string;
  /** Bytes, when known before reading. */
  size?: number;
  read(): Promise<string>;
}

/** Navigator layers are rarely over 2 MB; anything far larger is not a layer and is not read. */
export const MAX_LAYER_BYTES = 20 * 1024 * 1024;

/** The picker's first row: a layer outside the vault (Downloads on desktop, Files on mobile). */
const FROM_DEVICE = { device: true } as const;
type LayerChoice = TFile | typeof FROM_DEVICE;
export const FROM_DEVICE_TEXT = 'From a file on this device…';

class LayerFileModal extends FuzzySuggestModal<LayerChoice> {
  constructor(
    app: App,
    private readonly choose: (source: LayerSource) => void,
  ) {
    super(app);
    this.setPlaceholder('Choose a layer file in the vault, or one on this device');
  }

  getItems(): LayerChoice[] {
    return [FROM_DEVICE, ...this.app.vault.getFiles().filter((f) => f.extension === 'json')];
  }

  getItemText(choice: LayerChoice): string {
    return choice instanceof TFile ? choice.path : FROM_DEVICE_TEXT;
  }

  onChooseItem(choice: LayerChoice): void {
    if (choice instanceof TFile) this.choose({ name: choice.path, size: choice.stat.size, read: () => this.app.vault.cachedRead(choice) });
    else pickDeviceFile((file) => this.choose({ name: file.name, size: file.size, read: () => file.text() }));
  }
}

/** The system file picker, through a file input (works on desktop and mobile, no Node APIs). */
function pickDeviceFile(choose: (file: File) => void): void {
  const input = activeDocument.body.createEl('input', { type: 'file', cls: 'attack-coverage-file-input', attr: { accept: '.json,application/json' } });
  const done = (): void => input.remove();
  input.addEventListener(
    'change',
    () => {
      const file = input.files?.[0];
      done();
      if (file) choose(file);
    },
    { once: true },
  );
  input.addEventListener('cancel', done, { once: true });
  input.click();
}

async function openMatrix(plugin: Plugin): Promise<void> {
  const { workspace } = plugin.app;
  await revealView(plugin.app, MATRIX_VIEW_TYPE, () => workspace.getLeaf('tab'), true);
}

/** Write (or replace) a vault file with `text`: `create` for a new file, `process` for an existing one. */
async function writeVaultFile(app: App, path: string, text: string): Promise<TFile> {
  const existing = app.vault.getFileByPath(path);
  if (existing) {
    await app.vault.process(existing, () => text);
    return existing;
  }
  return app.vault.create(path, text);
}

/** The plugin's stylesheet, inlined into the report so that it looks as it does in Obsidian; null if unreadable. */
async function pluginCss(plugin: Plugin): Promise<string | null> {
  const dir = plugin.manifest.dir;
  if (!dir) return null;
  try {
    return await plugin.app.vault.adapter.read(normalizePath(`${dir}/styles.css`));
  } catch {
    return null;
  }
}

/** Register the matrix view and its five commands. `main.ts` calls this once in `onload`. */
export function registerMatrix(plugin: Plugin, getIndex: () => CoverageIndex, getCatalog: () => Catalog): void {
  const state = new MatrixState(getIndex, getCatalog);
  const app = plugin.app;
  const today = (): string => new Date().toISOString().slice(0, 10);

  /** The three exports, shared by their commands and the matrix view's header buttons. */
  const exportLayerFile = async (): Promise<void> => {
    const model = state.model();
    const score: ScoreKind = state.controls.score;
    const layer = exportLayer(model, { score, vaultName: app.vault.getName(), overlay: state.overlay, generated: today() });
    const path = normalizePath(LAYER_FILE);
    await writeVaultFile(app, path, JSON.stringify(layer, null, 2) + '\n');
    new Notice(`Layer written to ${path}: ${layer.techniques?.length ?? 0} entries, scored by ${score}`);
  };
  const saveReport = async (): Promise<void> => {
    const css = await pluginCss(plugin);
    if (css === null) {
      new Notice("Could not read the plugin's styles.css; the report was not saved");
      return;
    }
    const model = state.model();
    const score = state.controls.score;
    const comparison = state.overlay ? compareWithLayer(model, state.overlay, score) : undefined;
    // A document of its own: nothing is drawn into the app's window, and the serialiser escapes all note text.
    const doc = activeDocument.implementation.createHTMLDocument('');
    renderReport(doc, {
      model,
      gaps: gapsFromModel(model, 'notes'),
      score,
      css,
      vaultName: app.vault.getName(),
      generated: today(),
      overlay: state.overlay,
      ...(comparison ? { comparison } : {}),
      notes: getIndex().size,
      attribution: model.catalog.data.copyright,
    });
    const path = normalizePath(REPORT_FILE);
    await writeVaultFile(app, path, serializeReport(doc));
    new Notice(`Report written to ${path}: open it in a browser, or send it to colleagues without Obsidian`);
  };
  const showGaps = async (): Promise<void> => {
    const model = state.model();
    const report = gapsFromModel(model, 'notes');
    if (state.overlay) report.comparison = compareWithLayer(model, state.overlay, state.controls.score);
    const text = gapsMarkdown(report, { subtitle: `Written ${today()} from ${getIndex().size} notes by "Show coverage gaps", which replaces this whole note each time: keep your own notes elsewhere.` });
    const file = await writeVaultFile(app, normalizePath(GAPS_NOTE), text);
    await app.workspace.getLeaf(false).openFile(file, { active: true });
  };
  /** A write that fails (a read-only or full disk, a folder in the way) says so instead of failing silently. */
  const noticeOnFailure =
    (what: string, action: () => Promise<void>) =>
    async (): Promise<void> => {
      try {
        await action();
      } catch (e) {
        new Notice(`Could not ${what}: ${e instanceof Error ? e.message : String(e)}`);
      }
    };
  const actions: MatrixActions = {
    exportLayer: noticeOnFailure('export the Navigator layer', exportLayerFile),
    saveReport: noticeOnFailure('save the coverage report', saveReport),
    showGaps: noticeOnFailure('write the coverage gaps note', showGaps),
  };

  plugin.registerView(MATRIX_VIEW_TYPE, (leaf) => new CoverageMatrixView(leaf, state, actions));
  plugin.registerHoverLinkSource(MATRIX_VIEW_TYPE, { display: 'ATT&CK coverage matrix', defaultMod: true });

  plugin.addCommand({ id: 'open-coverage-matrix', name: 'Open coverage matrix', callback: () => void openMatrix(plugin) });

  plugin.addCommand({ id: 'export-navigator-layer', name: 'Export Navigator layer', callback: actions.exportLayer });

  plugin.addCommand({
    id: 'import-navigator-layer',
    name: 'Import Navigator layer as overlay',
    callback: () => new LayerFileModal(app, (source) => void importOverlay(source)).open(),
  });

  /** Read, check and apply a layer as the overlay; every outcome is a notice naming the file. */
  async function importOverlay(source: LayerSource): Promise<void> {
    if (source.size !== undefined && source.size > MAX_LAYER_BYTES) {
      new Notice(`${source.name} is ${(source.size / 2 ** 20).toFixed(0)} MB, too large for a Navigator layer; not imported`);
      return;
    }
    try {
      const overlay = parseLayerFile(await source.read(), overlayCatalog(getCatalog()));
      state.overlay = overlay;
      const cmp = compareWithLayer(state.model(), overlay, state.controls.score);
      new Notice(`Overlay "${overlay.name}": ${plural(cmp.inLayer, 'technique')}, ${cmp.undetected.length} undetected in this vault`);
      if (overlay.problems.length) console.warn(`Layer ${source.name}:\n${overlay.problems.join('\n')}`);
      state.changed();
      await openMatrix(plugin);
    } catch (e) {
      new Notice(e instanceof LayerError ? `${source.name}: ${e.message}` : `Could not import ${source.name}: ${String(e)}`);
    }
  }

  plugin.addCommand({ id: 'save-coverage-report', name: 'Save coverage report as HTML', callback: actions.saveReport });
  plugin.addCommand({ id: 'show-coverage-gaps', name: 'Show coverage gaps', callback: actions.showGaps });
}
