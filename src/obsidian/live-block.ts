/**
 * A code block that redraws itself as the index changes, the way the side pane does: only when the
 * index revision, the settings or its note moved, only while visible (a block scrolled out of view or in
 * a background tab redraws when it comes back), in one DOM swap that keeps the note's scroll position,
 * and not at all when the result is unchanged.
 */
import { MarkdownRenderChild, debounce, type App } from 'obsidian';
import type { LinkHandler } from '../ui/dom';
import { modelKey } from '../ui/panel-model';
import { PanelState } from '../ui/technique-panel';
import { REFRESH_MS } from './constants';
import type { CoverageContext } from './context';
import { obsidianLinks } from './links';

export interface BlockOutput {
  /** Equal keys mean equal output: the swap is skipped. */
  key: unknown;
  draw: (parent: DocumentFragment) => void;
}

export abstract class LiveBlock extends MarkdownRenderChild {
  protected notePath: string;
  protected limit: number | null = null;
  protected readonly panelState = new PanelState();
  protected readonly links: LinkHandler;
  private renderedKey = '';
  private renderedOutput = '';
  private owed = false;
  private observer: IntersectionObserver | null = null;
  private readonly refresh = debounce(() => this.render(), REFRESH_MS, true);

  constructor(
    containerEl: HTMLElement,
    protected readonly ctx: CoverageContext,
    sourcePath: string,
  ) {
    super(containerEl);
    this.notePath = sourcePath;
    this.links = obsidianLinks(ctx.app, { source: 'preview', hoverParent: { hoverPopover: null }, sourcePath: () => this.notePath });
  }

  protected get app(): App {
    return this.ctx.app;
  }

  override onload(): void {
    this.containerEl.addClass('attack-coverage-block');
    this.register(this.ctx.adopt(this));
    this.render();
    this.register(this.ctx.indexer.index.onChange(() => this.refresh()));
    this.register(this.ctx.onSettingsChange(() => this.refresh()));
    if (this.ctx.analytics) this.register(this.ctx.analytics.onChange(() => this.refresh()));
    // A block's note decides its default technique: follow the note when it is renamed.
    this.registerEvent(
      this.app.vault.on('rename', (file, oldPath) => {
        if (oldPath !== this.notePath) return;
        this.notePath = file.path;
        this.refresh();
      }),
    );
    if (typeof IntersectionObserver !== 'undefined') {
      this.observer = new IntersectionObserver((entries) => {
        if (this.owed && entries.some((e) => e.isIntersecting)) this.render();
      });
      this.observer.observe(this.containerEl);
    }
  }

  override onunload(): void {
    this.refresh.cancel();
    this.observer?.disconnect();
    this.observer = null;
  }

  /** What to show now. */
  protected abstract output(): BlockOutput;

  protected showAll(): void {
    this.limit = Number.MAX_SAFE_INTEGER;
    this.render();
  }

  /** Everything the output depends on: equal keys, nothing to redraw. */
  private stateKey(): string {
    const { indexer } = this.ctx;
    return [indexer.index.revision, this.ctx.settingsVersion, this.ctx.analytics?.revision ?? 0, indexer.state, this.notePath, this.limit].join('|');
  }

  /** Whether the block is out of sight: it then only remembers that it owes a redraw. */
  protected hidden(): boolean {
    return this.containerEl.isConnected && !this.containerEl.isShown();
  }

  /** After a subclass brought what is shown up to date in place: the next render has nothing to redraw. */
  protected markRendered(): void {
    this.owed = false;
    this.renderedKey = this.stateKey();
  }

  render(): void {
    if (this.hidden()) {
      this.owed = true;
      return;
    }
    this.owed = false;
    const key = this.stateKey();
    if (key === this.renderedKey) return;
    this.renderedKey = key;
    const out = this.output();
    const okey = modelKey(out.key);
    if (okey === this.renderedOutput) return;
    this.renderedOutput = okey;
    const scroller = this.containerEl.closest('.markdown-preview-view, .cm-scroller');
    const top = scroller?.scrollTop ?? 0;
    const frag = createFragment();
    out.draw(frag);
    this.containerEl.replaceChildren(frag);
    if (scroller && scroller.scrollTop !== top) scroller.scrollTop = top;
  }
}
