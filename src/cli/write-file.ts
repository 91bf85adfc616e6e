/**
 * Whole-file replacement for the CLI that never leaves a note half-written and never overwrites a note
 * that changed after it was read: the new text goes to a temporary file in the same folder (same file
 * system, so the rename is atomic), is flushed, and replaces the note with one rename — only if the note
 * still has the size, modification time and content it had when it was read. On any failure the
 * temporary file is removed and the original stays as it was.
 *
 * What this cannot do without OS file locks: an edit landing in the few microseconds between the last
 * check and the rename is still lost. Editors that save by rename (most do) are caught by the checks.
 */
import { isUtf8 } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, realpathSync, renameSync, statSync, unlinkSync, writeSync, chmodSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** A note as read: its text and the stat that goes with it. */
export interface FileSnapshot {
  path: string;
  text: string;
  size: number;
  mtimeMs: number;
}

export type WriteOutcome =
  | { ok: true }
  | { ok: false; reason: 'changed' | 'error'; message: string };

export class NotUtf8Error extends Error {}

/**
 * A file's bytes as text, or null when they are not valid UTF-8: decoding would put U+FFFD in their place,
 * and writing that text back would lose them for good.
 */
export function utf8Text(bytes: Buffer): string | null {
  return isUtf8(bytes) ? bytes.toString('utf8') : null;
}

/**
 * Reads a note with its stat. Throws NotUtf8Error when the bytes are not valid UTF-8, since writing
 * the decoded text back would silently replace them.
 */
export function readSnapshot(path: string): FileSnapshot {
  for (let attempt = 1; ; attempt++) {
    const before = statSync(path);
    const text = utf8Text(readFileSync(path));
    if (text === null) throw new NotUtf8Error(`${path} is not valid UTF-8`);
    const after = statSync(path);
    // Written while we read: read again (a note that keeps changing is caught by the checks before writing).
    if (attempt < 5 && (after.size !== before.size || after.mtimeMs !== before.mtimeMs)) continue;
    return { path, text, size: after.size, mtimeMs: after.mtimeMs };
  }
}

/** Why the file on disk is no longer the snapshot, or null when it still is. */
function drift(snapshot: FileSnapshot, target: string): string | null {
  let st;
  try {
    st = statSync(target);
  } catch {
    return 'the note was deleted or moved after it was read';
  }
  if (st.size !== snapshot.size || st.mtimeMs !== snapshot.mtimeMs) return 'the note changed on disk after it was read';
  // Same size and time can hide an edit on coarse-clock file systems: compare the text too.
  if (readFileSync(target, 'utf8') !== snapshot.text) return 'the note changed on disk after it was read';
  return null;
}

export interface WriteOptions {
  /** Test hook: runs after the temporary file is written, before the final check and the rename. */
  beforeCommit?: () => void;
}

/**
 * Replaces the note read as `snapshot` with `text`, atomically, unless it changed since. The note's
 * permissions are kept; a symbolic link keeps pointing where it did (its target is replaced).
 */
export function replaceFileAtomic(snapshot: FileSnapshot, text: string, opts: WriteOptions = {}): WriteOutcome {
  let target: string;
  try {
    target = realpathSync(snapshot.path);
  } catch {
    return { ok: false, reason: 'changed', message: 'the note was deleted or moved after it was read' };
  }
  const first = drift(snapshot, target);
  if (first) return { ok: false, reason: 'changed', message: first };
  let temp: string | null = null;
  try {
    temp = writeTempBeside(target, Buffer.from(text, 'utf8'), statSync(target).mode & 0o7777);
    opts.beforeCommit?.();
    const last = drift(snapshot, target);
    if (last) {
      removeQuietly(temp);
      return { ok: false, reason: 'changed', message: last };
    }
    renameSync(temp, target);
    return { ok: true };
  } catch (e) {
    if (temp !== null) removeQuietly(temp);
    return { ok: false, reason: 'error', message: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * Replaces `target` (or creates it) with `data` as a whole: a flushed temporary file beside it, renamed
 * into place, so readers see the old file or the new one and a failed write leaves the old one as it was.
 */
export function writeFileAtomic(target: string, data: Buffer, mode?: number): void {
  const temp = writeTempBeside(target, data, mode);
  try {
    renameSync(temp, target);
  } catch (e) {
    removeQuietly(temp);
    throw e;
  }
}

/** Removes a temporary file that may or may not still be there. */
export function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // never created, or already renamed
  }
}

/**
 * Writes `data` to a new temporary file in `target`'s folder (same file system, so renaming it over
 * `target` is atomic), flushed to disk unless `flush` is false, with `mode` when given. Returns its path; on
 * failure nothing is left.
 */
export function writeTempBeside(target: string, data: Buffer, mode?: number, opts: { flush?: boolean } = {}): string {
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let fd: number | null = null;
  try {
    fd = openSync(temp, 'wx', mode ?? 0o666);
    for (let off = 0; off < data.length; ) off += writeSync(fd, data, off, data.length - off);
    if (opts.flush !== false) fsyncSync(fd);
    closeSync(fd);
    fd = null;
    if (mode !== undefined) chmodSync(temp, mode); // openSync's mode is masked by the umask
    return temp;
  } catch (e) {
    if (fd !== null) {
      try {
        closeSync(fd);
      } catch {
        // already closed
      }
    }
    removeQuietly(temp);
    throw e;
  }
}
