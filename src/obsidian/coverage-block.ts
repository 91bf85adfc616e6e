/**
 * The `attack-coverage` code block: the side pane's coverage panel inside a note, narrowed by the block's
 * YAML (technique, sections, roll-up, filters, sort, limit), refreshed live. `view: matrix` and
 * `view: gaps` blocks draw the coverage matrix or the gap lists instead (src/ui/matrix.ts).
 */
import { parseYaml, type MarkdownPostProcessorContext, type Plugin } from 'obsidian';
import { parseCoverageBlock, type ParsedBlock } from '../core/coverage-block';
import { coverageSection, isSection, type PanelModel } from '../ui/panel-model';
import type { MatrixModel } from '../core/matrix';
import { MatrixChanges, renderBlockView, type MatrixHandle } from '../ui/matrix';
import { analyticsSections, renderAnalytics } from '../ui/analytics';
import { renderPanel } from '../ui/technique-panel';
import { el } from '../ui/dom';
import { BLOCK_LANGUAGE } from './constants';
import type { CoverageContext } from './context';
import { LiveBlock, type BlockOutput } from './live-block';

export { BLOCK_LANGUAGE };

export function registerCoverageBlock(plugin: Plugin, ctx: CoverageContext): void {
  plugin.registerMarkdownCodeBlockProcessor(BLOCK_LANGUAGE, (source, containerEl, mdCtx: MarkdownPostProcessorContext) => {
    mdCtx.addChild(new CoverageBlockChild(containerEl, ctx, mdCtx.sourcePath, parseCoverageBlock(source, parseYaml)));
  });
}

/** The panel for a parsed block in the note at `notePath`, or why there is none. */
export function blockModel(ctx: CoverageContext, parsed: ParsedBlock, notePath: string, limit: number | null): PanelModel | { problems: string[] } {
  const { indexer } = ctx;
  if (!indexer.ready) return { kind: 'indexing', ...indexer.progress };
  const withLimit: ParsedBlock = limit === null ? parsed : { ...parsed, block: { ...parsed.block, limit } };
  const section = coverageSection(indexer.index, withLimit, notePath);
  if (!isSection(section)) return section;
  return { kind: 'technique', path: notePath, section };
}

/** A drawn `view: matrix` block, with what it was drawn for. */
interface DrawnMatrix {
  model: MatrixModel;
  handle: MatrixHandle;
  settingsVersion: number;
  notePath: string;
}

export class CoverageBlockChild extends LiveBlock {
  private matrix: DrawnMatrix | null = null;
  private readonly changes = new MatrixChanges();

  constructor(
    containerEl: HTMLElement,
    ctx: CoverageContext,
    sourcePath: string,
    private readonly parsed: ParsedBlock,
  ) {
    super(containerEl, ctx, sourcePath);
  }

  override onload(): void {
    if (this.parsed.block.view === 'matrix') this.register(this.ctx.indexer.index.onChange(this.changes.record));
    super.onload();
  }

  override onunload(): void {
    this.matrix?.handle.destroy();
    this.matrix = null;
    super.onunload();
  }

  override render(): void {
    if (!this.patchMatrix()) super.render();
  }

  /**
   * A matrix block redraws only the cells the changed notes touched, as the matrix view does: a full
   * matrix is hundreds of cells, and a block stays on screen while its vault is being edited.
   */
  private patchMatrix(): boolean {
    const m = this.matrix;
    const { indexer } = this.ctx;
    if (!m || !indexer.ready || m.settingsVersion !== this.ctx.settingsVersion || m.notePath !== this.notePath) return false;
    if (this.hidden() || !m.handle.root.isConnected) return false;
    // Nothing recorded is a patch of nothing: what moved (the analytics, say) is not in the matrix.
    if (this.changes.patch(m.model, m.handle, indexer.index.revision) === null) return false;
    this.markRendered();
    return true;
  }

  protected output(): BlockOutput {
    const view = this.parsed.block.view ?? 'technique';
    if (view !== 'technique' && this.ctx.indexer.ready) return this.matrixOutput();
    const model = blockModel(this.ctx, this.parsed, this.notePath, this.limit);
    const columns = this.ctx.settings.ruleColumns;
    const sections = analyticsSections(this.parsed.block.show);
    const analytics =
      sections.length && 'kind' in model && model.kind === 'technique' && this.ctx.analytics
        ? (this.ctx.analytics.current(model.section.summary.id, this.parsed.block.rollUp ?? this.ctx.settings.rollUp) ?? 'pending')
        : null;
    return {
      key: { model, columns, analytics: analytics === null || analytics === 'pending' ? analytics : analytics.seq },
      draw: (parent) => {
        if (!('kind' in model)) {
          const root = el(parent, 'div', { cls: 'attack-coverage-panel mod-problems' });
          for (const p of model.problems) el(root, 'div', { cls: 'attack-coverage-problem', text: p.charAt(0).toUpperCase() + p.slice(1) });
          return;
        }
        renderPanel(parent, model, {
          links: this.links,
          columns,
          state: this.panelState,
          currentPath: this.notePath,
          inNote: true,
          onShowAll: () => this.showAll(),
        });
        if (analytics === 'pending') el(el(parent, 'div', { cls: 'attack-coverage-panel' }), 'div', { cls: 'attack-coverage-indexing', text: 'Analysing rules…' });
        else if (analytics) renderAnalytics(parent, analytics.data, this.links, { sections, currentPath: this.notePath });
      },
    };
  }

  /** Matrix and gaps views: drawn whenever the index or settings moved (their cells are not compared). */
  private matrixOutput(): BlockOutput {
    const { indexer, settingsVersion, catalog } = this.ctx;
    const { block, problems } = this.parsed;
    return {
      key: { view: block.view, revision: indexer.index.revision, settingsVersion, path: this.notePath },
      draw: (parent) => {
        const root = el(parent, 'div', { cls: 'attack-coverage-panel mod-matrix' });
        for (const p of problems) el(root, 'div', { cls: 'attack-coverage-problem', text: p.charAt(0).toUpperCase() + p.slice(1) });
        const { model, handle } = renderBlockView(root, block, indexer.index, catalog, this.links);
        this.matrix?.handle.destroy();
        this.matrix = handle ? { model, handle, settingsVersion, notePath: this.notePath } : null;
        this.changes.drawn();
      },
    };
  }
}
