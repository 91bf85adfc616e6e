/**
 * ```dataview blocks when the Dataview plugin is not enabled (domain.md §2).
 *
 * Obsidian keeps one processor per code-block language and throws on a second registration, which would
 * fail whichever plugin loads second. So `dataview` is registered only when the user wants it, Dataview is
 * not enabled, and no processor holds the language — inside a try/catch, and checked again once the
 * layout is ready. Our own `attack-coverage` language is always registered (elsewhere).
 *
 * Recognised queries render as the coverage panel; other supported queries as the table of the notes
 * they list; anything else as the query's own text with a short explanation.
 */
import { MarkdownPreviewRenderer, type App, type MarkdownPostProcessorContext, type Plugin } from 'obsidian';
import { evaluateQuery, parseQueryBlock, toCoverageSpec, type ParsedQuery } from '../core/queries';
import { coverageSection, defaultBlock, DEFAULT_LIMIT, isSection } from '../ui/panel-model';
import { queryTableModel, renderQueryAsText, renderQueryTable } from '../ui/query-panel';
import { renderPanel } from '../ui/technique-panel';
import type { CoverageContext } from './context';
import { onLayoutReady } from './layout';
import { LiveBlock, type BlockOutput } from './live-block';

export const DATAVIEW = 'dataview';

/** Whether the Dataview plugin is enabled in this vault. An unreadable plugin list counts as "maybe": hands off. */
export function dataviewEnabled(app: App): boolean {
  const enabled = (app as unknown as { plugins?: { enabledPlugins?: unknown } }).plugins?.enabledPlugins;
  if (enabled instanceof Set) return enabled.has(DATAVIEW);
  if (Array.isArray(enabled)) return enabled.includes(DATAVIEW);
  return true;
}

/** Whether some processor already holds a language (a private registry: read behind a guard). */
export function languageTaken(language: string): boolean {
  const registry = (MarkdownPreviewRenderer as unknown as { codeBlockPostProcessors?: unknown }).codeBlockPostProcessors;
  return typeof registry === 'object' && registry !== null && Object.prototype.hasOwnProperty.call(registry, language);
}

export class DataviewTakeover {
  /** We hold the `dataview` language (until the plugin unloads). */
  registered = false;
  /** Why we do not, for the settings tab. */
  reason = '';

  constructor(
    private readonly plugin: Plugin,
    private readonly ctx: CoverageContext,
  ) {}

  /** Registers `dataview` if the policy allows; never throws. */
  tryRegister(): boolean {
    if (this.registered) return true;
    if (!this.ctx.settings.dataviewTakeover) return this.no('turned off');
    if (dataviewEnabled(this.plugin.app)) return this.no('the Dataview plugin is enabled');
    if (languageTaken(DATAVIEW)) return this.no('another plugin renders dataview blocks');
    try {
      this.plugin.registerMarkdownCodeBlockProcessor(DATAVIEW, (source, el, mdCtx: MarkdownPostProcessorContext) => {
        mdCtx.addChild(new DataviewBlockChild(el, this.ctx, mdCtx.sourcePath, source));
      });
    } catch (e) {
      // Someone registered it in between: leave it to them.
      console.debug('ATT&CK coverage: not rendering dataview blocks:', e);
      return this.no('another plugin renders dataview blocks');
    }
    this.registered = true;
    this.reason = '';
    return true;
  }

  private no(reason: string): false {
    this.reason = reason;
    return false;
  }
}

export function registerDataviewTakeover(plugin: Plugin, ctx: CoverageContext): DataviewTakeover {
  const takeover = new DataviewTakeover(plugin, ctx);
  takeover.tryRegister();
  onLayoutReady(plugin.app, plugin, () => takeover.tryRegister());
  plugin.register(ctx.onSettingsChange(() => takeover.tryRegister()));
  return takeover;
}

const NOT_RUN = 'This Dataview query is shown as text: the Dataview plugin is not enabled, and ATT&CK coverage only stands in for TABLE and LIST … FROM queries over folders and tags';

export class DataviewBlockChild extends LiveBlock {
  private readonly query: ParsedQuery;

  constructor(
    containerEl: HTMLElement,
    ctx: CoverageContext,
    sourcePath: string,
    private readonly source: string,
  ) {
    super(containerEl, ctx, sourcePath);
    this.query = parseQueryBlock(DATAVIEW, source);
  }

  protected output(): BlockOutput {
    const q = this.query;
    const { indexer, settings } = this.ctx;
    const asText = (why: string): BlockOutput => ({ key: { text: why }, draw: (p) => renderQueryAsText(p, DATAVIEW, this.source, why) });
    if (!settings.dataviewTakeover) return asText('Shown as text: rendering Dataview queries is turned off in the ATT&CK coverage settings.');
    if (!q.supported) return asText(`${NOT_RUN} (${q.reason}).`);
    if (q.kind !== 'dataview') return asText(`${NOT_RUN}.`);
    if (!indexer.ready) {
      const model = { kind: 'indexing' as const, ...indexer.progress };
      return { key: model, draw: (p) => renderPanel(p, model, { links: this.links }) };
    }
    const limit = this.limit ?? DEFAULT_LIMIT;
    const spec = toCoverageSpec(q, indexer.index.roleSettings);
    if (spec?.technique) {
      const section = coverageSection(indexer.index, defaultBlock(spec.technique, limit, spec.show), this.notePath);
      if (isSection(section)) {
        const model = { kind: 'technique' as const, path: this.notePath, section };
        const columns = settings.ruleColumns;
        return {
          key: { model, columns },
          draw: (p) => renderPanel(p, model, { links: this.links, columns, state: this.panelState, currentPath: this.notePath, inNote: true, onShowAll: () => this.showAll() }),
        };
      }
    }
    const model = queryTableModel(indexer.index, q, evaluateQuery(indexer.index, q), limit);
    return { key: model, draw: (p) => renderQueryTable(p, model, this.links, () => this.showAll()) };
  }
}
