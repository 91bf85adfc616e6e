/**
 * The side pane: follows the active note and shows its coverage (technique, rule, atomic test or any
 * other note). Redraws only when something it shows may have changed (index revision, settings, note)
 * and only while visible; the new content is built detached and swapped in at once, keeping the scroll
 * position, and not swapped at all when it came out the same.
 */
import { ItemView, TFile, debounce, type HoverPopover, type HoverParent, type WorkspaceLeaf } from 'obsidian';
import { renderAnalytics } from '../ui/analytics';
import { el, type LinkHandler } from '../ui/dom';
import { DEFAULT_LIMIT, modelKey, paneModel, type PanelModel } from '../ui/panel-model';
import { PanelState, renderPanel } from '../ui/technique-panel';
import { FOLLOW_MS, HOVER_SOURCE, PRODUCT, REFRESH_MS, VIEW_TYPE_COVERAGE } from './constants';
import type { AnalyticsEntry } from './analytics';
import type { CoverageContext } from './context';
import { obsidianLinks } from './links';

export class CoverageView extends ItemView implements HoverParent {
  hoverPopover: HoverPopover | null = null;
  private path: string | null = null;
  private limit = DEFAULT_LIMIT;
  private panelState = new PanelState();
  private renderedKey = '';
  private renderedModel = '';
  private renderedPath: string | null = null;
  private token = 0;
  private readonly links: LinkHandler;
  private readonly follow = debounce(() => this.followActive(), FOLLOW_MS, true);
  private readonly refresh = debounce(() => void this.render(), REFRESH_MS, true);

  constructor(
    leaf: WorkspaceLeaf,
    private readonly ctx: CoverageContext,
  ) {
    super(leaf);
    this.icon = 'shield-check';
    this.links = obsidianLinks(this.app, { source: HOVER_SOURCE, hoverParent: this, sourcePath: () => this.path ?? '' });
  }

  getViewType(): string {
    return VIEW_TYPE_COVERAGE;
  }

  getDisplayText(): string {
    return PRODUCT;
  }

  override getIcon(): string {
    return 'shield-check';
  }

  /** The note shown (tests and commands). */
  get notePath(): string | null {
    return this.path;
  }

  override async onOpen(): Promise<void> {
    this.contentEl.addClass('attack-coverage-view');
    const { workspace, vault } = this.app;
    this.registerEvent(workspace.on('file-open', () => this.follow()));
    this.registerEvent(workspace.on('active-leaf-change', () => this.follow()));
    // Shown again (sidebar expanded, tab selected): draw what was skipped while hidden.
    this.registerEvent(workspace.on('layout-change', () => this.refresh()));
    this.registerEvent(workspace.on('resize', () => this.refresh()));
    this.registerEvent(
      vault.on('rename', (file, oldPath) => {
        if (oldPath !== this.path) return;
        // Renamed to another extension: no longer a note, and its text is not read as one (as when following).
        if (!(file instanceof TFile) || file.extension !== 'md') this.setNote(null);
        else {
          this.path = file.path;
          this.renderedPath = file.path;
        }
        this.refresh();
      }),
    );
    this.register(this.ctx.indexer.index.onChange(() => this.refresh()));
    this.register(this.ctx.onSettingsChange(() => this.refresh()));
    if (this.ctx.analytics) this.register(this.ctx.analytics.onChange(() => this.refresh()));
    this.register(() => {
      this.follow.cancel();
      this.refresh.cancel();
    });
    // As when following: a PDF, canvas or image is not a note; its text is never read as one.
    const active = workspace.getActiveFile();
    this.path = active?.extension === 'md' ? active.path : null;
    await this.render();
  }

  override onClose(): Promise<void> {
    this.follow.cancel();
    this.refresh.cancel();
    return Promise.resolve();
  }

  override onResize(): void {
    this.refresh();
  }

  /** Show a given note now, whatever is active (the "Show coverage for current note" command). */
  async showNote(path: string): Promise<void> {
    this.setNote(path);
    await this.render();
  }

  private setNote(path: string | null): void {
    if (path === this.path) return;
    this.path = path;
    this.limit = DEFAULT_LIMIT;
    this.panelState.open.clear();
  }

  private followActive(): void {
    const file = this.app.workspace.getActiveFile();
    // No active file: a sidebar or an empty tab has focus. Keep showing the last note.
    if (file && file.extension === 'md') this.setNote(file.path);
    void this.render(); // also draws what was skipped while the pane was hidden
  }

  private async render(): Promise<void> {
    if (!this.contentEl.isShown()) return; // drawn when shown again (layout-change / resize)
    const { indexer } = this.ctx;
    const key = [indexer.index.revision, this.ctx.settingsVersion, this.ctx.analytics?.revision ?? 0, indexer.state, this.path, this.limit].join('|');
    if (key === this.renderedKey) return;
    this.renderedKey = key;
    const token = ++this.token;
    const model = await this.model();
    if (token !== this.token) return; // a newer render started while the note was being read
    const analytics = this.analyticsFor(model);
    const mkey = modelKey({ model, columns: this.ctx.settings.ruleColumns, analytics: analytics === null || analytics === 'pending' ? analytics : analytics.seq });
    if (mkey === this.renderedModel && this.path === this.renderedPath) return; // nothing visible changed
    this.renderedModel = mkey;
    const samePath = this.path === this.renderedPath;
    this.renderedPath = this.path;
    this.swap(model, samePath, analytics);
  }

  /** A technique note's analytics: the data, 'pending' while rules are being analysed, or null. */
  private analyticsFor(model: PanelModel): AnalyticsEntry | 'pending' | null {
    const service = this.ctx.analytics;
    if (!service || model.kind !== 'technique') return null;
    return service.current(model.section.summary.id, this.ctx.settings.rollUp) ?? 'pending';
  }

  private async model(): Promise<PanelModel> {
    const { indexer } = this.ctx;
    if (!indexer.ready) return { kind: 'indexing', ...indexer.progress };
    if (!this.path) return { kind: 'empty', message: 'Open a note to see its ATT&CK coverage.' };
    const file = this.app.vault.getFileByPath(this.path);
    if (!file) return { kind: 'empty', message: 'This note no longer exists. Open another note to see its coverage.' };
    const note = indexer.index.get(this.path);
    let text: string | undefined;
    if (!note || note.cls.role === 'other') {
      try {
        text = await this.app.vault.cachedRead(file);
      } catch {
        text = undefined;
      }
    }
    return paneModel(indexer.index, this.path, { limit: this.limit, ...(text === undefined ? {} : { text }) });
  }

  /** Build detached, swap in one step, keep the scroll position (unless another note is shown). */
  private swap(model: PanelModel, samePath: boolean, analytics: AnalyticsEntry | 'pending' | null): void {
    const scroller = this.contentEl;
    const top = scroller.scrollTop;
    const frag = createFragment();
    renderPanel(frag, model, {
      links: this.links,
      columns: this.ctx.settings.ruleColumns,
      state: this.panelState,
      currentPath: this.path ?? undefined,
      onShowAll: () => {
        this.limit = Number.MAX_SAFE_INTEGER;
        void this.render();
      },
    });
    if (analytics === 'pending') el(el(frag, 'div', { cls: 'attack-coverage-panel' }), 'div', { cls: 'attack-coverage-indexing', text: 'Analysing rules…' });
    else if (analytics) renderAnalytics(frag, analytics.data, this.links, { currentPath: this.path ?? undefined, open: ['events', 'guide'] });
    scroller.replaceChildren(frag);
    scroller.scrollTop = samePath ? top : 0;
  }
}
