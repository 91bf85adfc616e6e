/**
 * Command palette entries (sentence case, no default hotkeys). Commands that need a note use
 * checkCallback, so the palette lists them only when they can run.
 */
import { Notice, TFile, type Editor, type MarkdownFileInfo, type MarkdownView, type Plugin } from 'obsidian';
import type { TechniqueId } from '../core/ids';
import { scanSummary } from '../core/report';
import { scanMarkdown } from '../core/scan-markdown';
import { BLOCK_LANGUAGE, PRODUCT } from './constants';
import type { CoverageContext } from './context';
import { activatePane } from './pane';

/** The technique IDs a note is about: its own, a rule's or test's techniques, else those it is tagged with. */
export function techniqueIdsOf(ctx: CoverageContext, path: string): TechniqueId[] {
  const note = ctx.indexer.index.get(path);
  if (!note) return [];
  if (note.cls.techniques.length) return [...note.cls.techniques];
  if (note.facts.ownId) return [note.facts.ownId];
  return [...note.facts.taggedIds];
}

/** The block the insert command writes: the note's own technique is the default, so it is left out. */
export function coverageBlockText(ctx: CoverageContext, path: string | null): string {
  const lines: string[] = [];
  if (roleOf(ctx, path) !== 'technique') {
    const id = path ? techniqueIdsOf(ctx, path)[0] : undefined;
    lines.push(`technique: ${id ?? 'T1059'}`);
  }
  lines.push('show: [rules, tests, gaps]');
  return `\`\`\`${BLOCK_LANGUAGE}\n${lines.join('\n')}\n\`\`\`\n`;
}

/** The note's role: from the index, or from Obsidian's metadata while the first index pass has not reached it. */
function roleOf(ctx: CoverageContext, path: string | null): string | undefined {
  if (!path) return undefined;
  const indexed = ctx.indexer.index.get(path)?.cls.role;
  if (indexed) return indexed;
  const file = ctx.app.vault.getFileByPath(path);
  const cache = file ? ctx.app.metadataCache.getFileCache(file) : null;
  return cache ? ctx.indexer.index.roleWithoutBody({ path, cache }) : undefined;
}

function activeNote(ctx: CoverageContext): TFile | null {
  const file = ctx.app.workspace.getActiveFile();
  return file instanceof TFile && file.extension === 'md' ? file : null;
}

export function registerCommands(plugin: Plugin, ctx: CoverageContext): void {
  plugin.addCommand({
    id: 'open-pane',
    name: 'Open coverage pane',
    callback: () => void activatePane(ctx.app),
  });

  plugin.addCommand({
    id: 'show-current-note',
    name: 'Show coverage for current note',
    checkCallback: (checking) => {
      const file = activeNote(ctx);
      if (!file) return false;
      if (!checking) {
        void activatePane(ctx.app).then((view) => view?.showNote(file.path));
      }
      return true;
    },
  });

  plugin.addCommand({
    id: 'insert-block',
    name: 'Insert coverage block',
    editorCallback: (editor: Editor, info: MarkdownView | MarkdownFileInfo) => {
      // A fence only opens a code block at the start of a line: after text, the block goes on the next one.
      const from = editor.getCursor('from');
      const after = editor.getLine(from.line).slice(0, from.ch).trim() !== '';
      editor.replaceSelection((after ? '\n' : '') + coverageBlockText(ctx, info.file?.path ?? null));
    },
  });

  plugin.addCommand({
    id: 'rebuild-index',
    name: 'Rebuild index',
    callback: async () => {
      const notice = new Notice(`${PRODUCT}: rebuilding the index…`);
      // Cut short by a second rebuild: that one reports the count, this one would give a partial one.
      if (await ctx.indexer.rebuild()) notice.setMessage(`${PRODUCT}: index rebuilt, ${ctx.indexer.index.size} notes.`);
      else notice.hide();
    },
  });

  plugin.addCommand({
    id: 'copy-technique-id',
    name: 'Copy technique ID of current note',
    checkCallback: (checking) => {
      const file = activeNote(ctx);
      const ids = file ? techniqueIdsOf(ctx, file.path) : [];
      if (!ids.length) return false;
      if (!checking) {
        const value = ids.join(', ');
        navigator.clipboard.writeText(value).then(
          () => new Notice(`Copied ${value}`),
          () => new Notice('Could not copy to the clipboard.'),
        );
      }
      return true;
    },
  });

  plugin.addCommand({
    id: 'copy-coverage-summary',
    name: 'Copy coverage summary as Markdown',
    callback: () => {
      // A summary of half the vault would mislead: wait for the first pass.
      if (!ctx.indexer.ready) {
        new Notice(`${PRODUCT}: the index is still being built; try again in a moment.`);
        return;
      }
      // The tables `attack-coverage scan --markdown` prints, for a ticket, a chat or a pull request.
      const text = scanMarkdown(scanSummary(ctx.indexer.index, ctx.app.vault.getName()));
      navigator.clipboard.writeText(text).then(
        () => new Notice('Copied the coverage summary'),
        () => new Notice('Could not copy to the clipboard.'),
      );
    },
  });
}
