/**
 * Links in our panels behave like Obsidian's own internal links: a click opens the note (Mod-click in a
 * new tab, Mod+Alt in a split), and hovering shows the page preview through the `hover-link` event.
 */
import { Keymap, type App, type HoverParent, type PaneType } from 'obsidian';
import type { LinkHandler } from '../ui/dom';

export interface LinkContext {
  /** Hover-link source: ours for the pane, Obsidian's `preview` for blocks inside notes. */
  source: string;
  hoverParent: HoverParent;
  /** The note links are relative to ('' for the pane). */
  sourcePath: () => string;
}

/**
 * Open the note at a vault path. A path is not always a link: in link text `#` starts a heading, so
 * "C# loader.md" would open (or create) "C.md". Such a note is opened as the file it is; every other path
 * goes through link text as before.
 */
function openNote(app: App, path: string, sourcePath: string, newLeaf: PaneType | boolean): Promise<void> {
  const file = app.vault.getFileByPath(path);
  if (file && path.includes('#')) return app.workspace.getLeaf(newLeaf).openFile(file, { active: true });
  return app.workspace.openLinkText(path, sourcePath, newLeaf);
}

export function obsidianLinks(app: App, ctx: LinkContext): LinkHandler {
  return {
    href: (path) => path,
    open: (path, event) => {
      // The reading view would also open `.internal-link`s: one handler is enough.
      event.stopPropagation();
      void openNote(app, path, ctx.sourcePath(), Keymap.isModEvent(event));
    },
    hover: (path, event, targetEl) => {
      event.stopPropagation();
      app.workspace.trigger('hover-link', {
        event,
        source: ctx.source,
        hoverParent: ctx.hoverParent,
        targetEl,
        linktext: path,
        sourcePath: ctx.sourcePath(),
      });
    },
  };
}
