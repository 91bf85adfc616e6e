/**
 * Node file IO for `attack-coverage import`: the source tree as lazily read files, and the target vault
 * folder as an import target that only ever replaces whole files and never writes outside itself.
 *
 * Writes go to a temporary file in the note's own folder and are then renamed (or hard-linked, for new
 * notes, so that a note that appeared meanwhile is never clobbered) into place: a reader sees the old
 * note or the new one, never half of one. Before anything is created, the real path (symbolic links
 * resolved) of the deepest existing folder is checked to lie inside the target folder.
 */
import {
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  chmodSync,
} from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import type { ImportSourceFile, ImportTarget } from '../core/import/run';
import { unsafePathReason } from '../core/import/names';
import { walkFiles } from './walk';
import { utf8Text, writeTempBeside } from './write-file';

export class ImportFsError extends Error {}

/** `bytes` as text; throws when they are not valid UTF-8 (decoding would replace them). */
function textOf(bytes: Buffer, what: string): string {
  const text = utf8Text(bytes);
  if (text === null) throw new ImportFsError(`${what} is not valid UTF-8`);
  return text;
}

/**
 * A source file or folder as import source files (paths relative to the folder, or the file's name).
 * Sub-folders that cannot be read are passed to `onUnreadable`.
 */
export function sourceFiles(source: string, onUnreadable?: (rel: string, reason: string) => void): ImportSourceFile[] {
  let st;
  try {
    st = statSync(source);
  } catch {
    throw new ImportFsError(`cannot read source "${source}"`);
  }
  // A file that is not UTF-8 would be embedded with U+FFFD in place of its bytes: skipped and said so.
  const read = (abs: string) => (): Promise<string> => Promise.resolve(textOf(readFileSync(abs), 'the file'));
  if (st.isFile()) return [{ path: basename(source), read: read(source) }];
  const out: ImportSourceFile[] = [];
  walkFiles(source, (rel) => out.push({ path: rel, read: read(join(source, rel)) }), {
    rootError: (reason) => new ImportFsError(`cannot read source "${source}": ${reason}`),
    followFileLinks: true,
    onUnreadable,
  });
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export class FsTarget implements ImportTarget {
  private readonly root: string;
  private realRoot: string | null = null;
  private readonly checkedDirs = new Set<string>();

  constructor(root: string) {
    this.root = resolve(root);
    if (existsSync(this.root) && !statSync(this.root).isDirectory()) throw new ImportFsError(`"${root}" is not a folder`);
  }

  // Synchronous IO behind async signatures: thousands of small files go faster this way, and errors
  // still arrive as rejections.
  async list(): Promise<string[]> {
    const out: string[] = [];
    const rootError = (reason: string): Error => new ImportFsError(`cannot read folder "${this.root}": ${reason}`);
    if (existsSync(this.root)) walkFiles(this.root, (rel) => out.push(rel), { rootError, followFileLinks: true });
    return out.sort();
  }

  /**
   * Basenames of the notes elsewhere in the vault that holds the target folder (the nearest folder above
   * it with an `.obsidian` folder): `[[links]]` resolve across the whole vault, so new notes must not take
   * their names. None when the target is not inside a vault, or is the vault.
   */
  async otherBasenames(): Promise<string[]> {
    let vault: string | null = null;
    for (let dir = dirname(this.root); !vault; dir = dirname(dir)) {
      if (existsSync(join(dir, '.obsidian'))) vault = dir;
      else if (dirname(dir) === dir) return [];
    }
    const inTarget = `${relative(vault, this.root).split(sep).join('/')}/`;
    const out: string[] = [];
    const rootError = (reason: string): Error => new ImportFsError(`cannot read vault "${vault}": ${reason}`);
    const onFile = (rel: string, name: string): void => {
      if (/\.md$/i.test(name) && !rel.startsWith(inTarget)) out.push(name.slice(0, -3));
    };
    // The vault as the scan reads it: folders linked into it count (listNotes).
    walkFiles(vault, onFile, { rootError, followFileLinks: true, followFolderLinks: true });
    return out;
  }

  /** A note's text; refuses notes that are not valid UTF-8, since writing the decoded text back would replace their bytes. */
  async read(rel: string): Promise<string> {
    return textOf(readFileSync(this.inside(rel)), 'the note');
  }

  async write(rel: string, text: string, previous: string | null): Promise<void> {
    const abs = this.inside(rel);
    const dir = dirname(abs);
    this.ensureDir(dir);
    // A note that replaces one (which may hold the user's text below the marker) is flushed to disk before
    // it takes its name, as every replacement the CLI makes is; a new note has nothing to lose, and
    // flushing each of thousands would make a first import over half again as slow.
    const temp = writeTempBeside(abs, Buffer.from(text, 'utf8'), undefined, { flush: previous !== null });
    try {
      if (previous === null) {
        try {
          // link() fails when the name exists: a note that appeared since the scan is never replaced.
          linkSync(temp, abs);
        } catch (e) {
          const code = (e as { code?: string }).code;
          if (code === 'EEXIST') throw new Error('a file appeared at this path during the import; not overwritten');
          // File systems without hard links (FAT, some network shares): check, then rename.
          if (existsSync(abs)) throw new Error('a file appeared at this path during the import; not overwritten');
          renameSync(temp, abs);
        }
      } else {
        if (lstatSync(abs).isSymbolicLink()) throw new Error('the note is a symbolic link; not replaced');
        if (!readFileSync(abs).equals(Buffer.from(previous, 'utf8'))) throw new Error('the note changed on disk during the import; not overwritten');
        chmodSync(temp, statSync(abs).mode & 0o7777);
        renameSync(temp, abs);
      }
    } finally {
      if (existsSync(temp)) unlinkSync(temp);
    }
  }

  /** Absolute path of `rel`, refusing anything that would land outside the target folder. */
  private inside(rel: string): string {
    const reason = unsafePathReason(rel);
    if (reason) throw new ImportFsError(`refusing "${rel}": ${reason}`);
    const abs = resolve(this.root, ...rel.split('/'));
    if (!abs.startsWith(this.root + sep)) throw new ImportFsError(`refusing "${rel}": outside the target folder`);
    return abs;
  }

  /** Create `dir` (inside the root) after checking that its deepest existing ancestor really is inside. */
  private ensureDir(dir: string): void {
    if (this.checkedDirs.has(dir)) return;
    mkdirSync(this.root, { recursive: true });
    this.realRoot ??= realpathSync(this.root);
    let probe = dir;
    while (!existsSync(probe)) probe = dirname(probe);
    const real = realpathSync(probe);
    if (real !== this.realRoot && !real.startsWith(this.realRoot + sep)) {
      throw new ImportFsError(`refusing to write into "${relative(this.root, dir)}": it leads outside the target folder`);
    }
    mkdirSync(dir, { recursive: true });
    this.checkedDirs.add(dir);
  }
}
