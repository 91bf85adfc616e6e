/**
 * One note from disk into what the engine reads. Kept apart from vault.ts so that the reader threads'
 * bundle holds the reader and nothing of the index or the ATT&CK data.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readForIndex, readMarkdown, type FrontmatterReader } from '../core/markdown';
import type { IndexMetadata, NoteSource } from '../core/metadata';
import { readFrontmatter } from './frontmatter';
import { reasonOf } from './walk';

/** One note read from disk into what Obsidian's cache would hold for it, text included. */
export function readNote(root: string, path: string): NoteSource {
  return readWith(root, path, readMarkdown);
}

/** One note read only for indexing (no positions, sections or links): the scan path, where notes are not kept. */
export function readNoteForIndex(root: string, path: string): NoteSource<IndexMetadata> {
  return readWith(root, path, readForIndex);
}

/** Notes read together by readBatchForIndex: on one thread, and per claim on reader threads. */
export const READ_BATCH = 100;

/** A note's text as read from disk, or why it could not be read. */
export type ReadText = { text: string } | { problem: string };

export function readText(root: string, path: string): ReadText {
  try {
    return { text: readFileSync(join(root, path), 'utf8') };
  } catch (e) {
    // The reason only (`permission denied`): the note's path is the diagnostic's own, vault-relative.
    return { problem: `cannot read: ${reasonOf(e)}` };
  }
}

/**
 * Several notes read for indexing, in two passes over the batch: every file read and its frontmatter
 * parsed, then the Markdown pass over each. The result is readNoteForIndex's, note for note; a fresh
 * process gets through a vault about 5% sooner this way, as each pass's code stays hot while it runs.
 */
export function readBatchForIndex(root: string, paths: readonly string[]): Array<NoteSource<IndexMetadata>> {
  return parseBatchForIndex(paths.map((path) => ({ path, read: readText(root, path) })));
}

/** readBatchForIndex for notes whose texts are already read (the fact cache hashes them first). */
export function parseBatchForIndex(notes: ReadonlyArray<{ path: string; read: ReadText }>): Array<NoteSource<IndexMetadata>> {
  const parsed = notes.map(({ read }): { text: string; fm: () => ReturnType<typeof readFrontmatter> } | { problem: string } => {
    if ('problem' in read) return read;
    const { text } = read;
    try {
      const result = readFrontmatter(text);
      return { text, fm: () => result };
    } catch (e) {
      // Thrown again inside the Markdown pass, which reports it as it would for one note.
      return { text, fm: () => { throw e; } };
    }
  });
  return notes.map(({ path }, i) => {
    const p = parsed[i] as (typeof parsed)[number];
    return 'problem' in p ? { path, cache: null, readProblems: [p.problem] } : fromText(path, p.text, p.fm, readForIndex);
  });
}

function readWith<M extends IndexMetadata>(root: string, path: string, reader: Reader<M>): NoteSource<M> {
  const read = readText(root, path);
  return 'problem' in read ? { path, cache: null, readProblems: [read.problem] } : fromText(path, read.text, readFrontmatter, reader);
}

type Reader<M> = (text: string, fm: FrontmatterReader) => { cache: M; problems: string[]; codeBlocks: NoteSource['codeBlocks'] };

function fromText<M extends IndexMetadata>(path: string, text: string, fm: FrontmatterReader, reader: Reader<M>): NoteSource<M> {
  try {
    const { cache, problems, codeBlocks } = reader(text, fm);
    return { path, cache, text, codeBlocks, readProblems: problems };
  } catch (e) {
    // The reader is meant never to throw; if it does, the note is still listed with a diagnostic.
    return { path, cache: null, text, readProblems: [`cannot parse: ${e instanceof Error ? e.message : String(e)}`] };
  }
}
