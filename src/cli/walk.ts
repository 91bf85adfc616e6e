/**
 * The one folder walk of the CLI: vault notes and import sources are both listed with it.
 */
import { readdirSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { join, sep } from 'node:path';

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

/** The real path of the folder a symbolic link leads to, or null when it leads to no folder. */
function linkedFolder(p: string): string | null {
  try {
    return statSync(p).isDirectory() ? realpathSync(p) : null;
  } catch {
    return null;
  }
}

/** Neither folder is, or holds, the other. */
const apart = (a: string, b: string): boolean => a !== b && !a.startsWith(b.endsWith(sep) ? b : b + sep) && !b.startsWith(a.endsWith(sep) ? a : a + sep);

/** `EACCES: permission denied, scandir '…'` → `permission denied`; `ENOSPC: no space left on device, write` → `no space left on device`. */
export const reasonOf = (e: unknown): string => (e instanceof Error ? e.message : String(e)).replace(/^[A-Z]+: /, '').replace(/, \w+(?: '.*)?$/, '');

/**
 * Calls `onFile` with the path of every file below `root` that is not hidden, relative and '/'-separated,
 * and its name.
 * When `root` cannot be listed, throws the error `rootError` makes of the reason (`permission denied`);
 * unreadable sub-folders are skipped and passed to `onUnreadable` ('/'-separated, relative). Links to
 * files are listed only with `followFileLinks`. Symbolic links to folders are followed only with
 * `followFolderLinks`, and then as Obsidian follows them: when the folder lies outside `root` (neither
 * inside it nor holding it) and apart from every linked folder already followed. Anything else (a link
 * back into the tree, to a parent, to a folder already listed) is left out, so there are no loops and
 * no note is listed twice.
 */
export function walkFiles(
  root: string,
  onFile: (rel: string, name: string) => void,
  opts: {
    rootError: (reason: string) => Error;
    followFileLinks?: boolean;
    followFolderLinks?: boolean;
    onUnreadable?: ((rel: string, reason: string) => void) | undefined;
  },
): void {
  let followed: string[] | null = null; // the real root, then every linked folder followed
  const follows = (link: string): boolean => {
    const target = linkedFolder(link);
    if (target === null) return false;
    followed ??= [linkedFolder(root) ?? root];
    if (!followed.every((f) => apart(target, f))) return false;
    followed.push(target);
    return true;
  };
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
      if (SKIP_DIRS.has(e.name) && (e.isDirectory() || e.isSymbolicLink())) continue;
      if (e.isDirectory() || (opts.followFolderLinks && e.isSymbolicLink() && follows(join(dir, e.name)))) {
        visit(join(dir, e.name), `${prefix}${e.name}/`);
      } else if (e.isFile() || (opts.followFileLinks && e.isSymbolicLink() && isFile(join(dir, e.name)))) {
        onFile(prefix + e.name, e.name);
      }
    }
  };
  visit(root, '');
}
