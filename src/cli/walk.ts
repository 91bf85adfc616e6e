/**
 * The one folder walk of the CLI: vault notes and import sources are both listed with it.
 */
import { readdirSync, statSync, type Dirent } from 'node:fs';
import { join } from 'node:path';

/** Folders never descended into besides hidden ones: package folders. */
const SKIP_DIRS = new Set(['node_modules']);

/**
 * Obsidian leaves out every file and folder whose name starts with a dot (`.obsidian`, `.trash`, `.git`,
 * `.github`, `.draft.md`): its notes are not the vault's, and Dataview and search never list them.
 */
const hidden = (name: string): boolean => name.startsWith('.');

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** `EACCES: permission denied, scandir '…'` → `permission denied`. */
export const reasonOf = (e: unknown): string => (e instanceof Error ? e.message : String(e)).replace(/^[A-Z]+: /, '').replace(/, \w+ '.*$/, '');

/**
 * Calls `onFile` with the path of every file below `root` that is not hidden, relative and '/'-separated,
 * and its name.
 * When `root` cannot be listed, throws the error `rootError` makes of the reason (`permission denied`);
 * unreadable sub-folders are skipped and passed to `onUnreadable` ('/'-separated, relative). Symbolic
 * links to folders are never followed (no loops, no escapes); links to files are listed only with
 * `followFileLinks`.
 */
export function walkFiles(
  root: string,
  onFile: (rel: string, name: string) => void,
  opts: { rootError: (reason: string) => Error; followFileLinks?: boolean; onUnreadable?: ((rel: string, reason: string) => void) | undefined },
): void {
  const visit = (dir: string, prefix: string): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      if (!prefix) throw opts.rootError(reasonOf(e));
      opts.onUnreadable?.(prefix.slice(0, -1), reasonOf(e));
      return;
    }
    for (const e of entries) {
      if (hidden(e.name)) continue;
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) visit(join(dir, e.name), `${prefix}${e.name}/`);
      } else if (e.isFile() || (opts.followFileLinks && e.isSymbolicLink() && isFile(join(dir, e.name)))) {
        onFile(prefix + e.name, e.name);
      }
    }
  };
  visit(root, '');
}
