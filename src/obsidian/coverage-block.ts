/**
 * The `attack-coverage` code block: a coverage panel in place of a Dataview query, refreshed when the
 * index changes (only when its revision moved and the block is visible), swapped into the DOM in one step.
 */
import { MarkdownRenderChild, debounce, parseYaml, type MarkdownPostProcessorContext, type Plugin } from 'obsidian';
import { evaluateCoverageBlock, parseCoverageBlock, type BlockResult } from '../core/coverage-block';
import type { VaultIndexer } from './indexer';

export const BLOCK_LANGUAGE = 'attack-coverage';

export function registerCoverageBlock(plugin: Plugin, indexer: VaultIndexer): void {
  plugin.registerMarkdownCodeBlockProcessor(BLOCK_LANGUAGE, (source, el, ctx: MarkdownPostProcessorContext) => {
    ctx.addChild(new CoverageBlockChild(el, source, ctx.sourcePath, indexer));
  });
}

class CoverageBlockChild extends MarkdownRenderChild {
  private rendered = -1;

  constructor(
    containerEl: HTMLElement,
    private readonly source: string,
    private readonly notePath: string,
    private readonly indexer: VaultIndexer,
  ) {
    super(containerEl);
  }

  override onload(): void {
    this.render();
    const refresh = debounce(() => this.maybeRender(), 150, true);
    this.register(this.indexer.index.onChange(refresh));
  }

  private maybeRender(): void {
    if (this.rendered !== this.indexer.index.revision && this.containerEl.isShown()) this.render();
  }

  private render(): void {
    this.rendered = this.indexer.index.revision;
    const next = createDiv({ cls: 'attack-coverage-panel' });
    if (this.indexer.state !== 'ready') {
      next.createDiv({ cls: 'attack-coverage-muted', text: 'Indexing the vault…' });
    } else {
      const parsed = parseCoverageBlock(this.source, parseYaml);
      renderResult(next, evaluateCoverageBlock(this.indexer.index, parsed, this.notePath));
    }
    this.containerEl.replaceChildren(next);
  }
}

function renderResult(el: HTMLElement, res: BlockResult): void {
  for (const p of res.problems) el.createDiv({ cls: 'attack-coverage-problem', text: p });
  const cov = res.coverage;
  if (!cov) return;
  el.createDiv({ cls: 'attack-coverage-title', text: `${cov.id} ${cov.name}` });
  if (cov.gaps.length) el.createDiv({ cls: 'attack-coverage-gaps', text: `Gaps: ${cov.gaps.join('; ')}` });
  if (res.rules.length) {
    const table = el.createEl('table', { cls: 'attack-coverage-table' });
    const head = table.createEl('thead').createEl('tr');
    for (const h of ['Rule', 'Status', 'Level', 'Log source', 'Vendor']) head.createEl('th', { text: h });
    const body = table.createEl('tbody');
    for (const r of res.rules) {
      const tr = body.createEl('tr');
      const name = tr.createEl('td');
      name.createEl('a', { cls: 'internal-link', text: r.title, attr: { 'data-href': r.path, href: r.path } });
      if (r.via) name.createSpan({ cls: 'attack-coverage-via', text: ` (${r.via})` });
      tr.createEl('td', { text: r.status });
      tr.createEl('td', { text: r.level });
      tr.createEl('td', { text: [r.product, r.service, r.category].filter(Boolean).join(' / ') });
      tr.createEl('td', { text: r.vendor });
    }
    if (res.hiddenRules) el.createDiv({ cls: 'attack-coverage-muted', text: `${res.hiddenRules} more rules not shown` });
  }
  if (res.tests.length) {
    const list = el.createEl('ul', { cls: 'attack-coverage-tests' });
    for (const t of res.tests) {
      const li = list.createEl('li');
      li.createEl('a', { cls: 'internal-link', text: t.title, attr: { 'data-href': t.path, href: t.path } });
      li.appendText(` (${t.testCount} tests${t.via ? `, ${t.via}` : ''})`);
    }
  }
}
