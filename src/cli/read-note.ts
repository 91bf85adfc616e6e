/**
 * One note from disk into what the engine reads. Kept apart from vault.ts so that the reader threads'
 * bundle holds the reader and nothing of the index or the ATT&CK data.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readForIndex, readMarkdown } from '../core/markdown';
import type { IndexMetadata, NoteSource } from '../core/metadata';
import { readFrontmatter } from './frontmatter';

/** One note read from disk into what Obsidian's cache would hold for it, text included. */
export function readNote(root: string, path: string): NoteSource {
  return readWith(root, path, readMarkdown);
}

/** One note read only for indexing (no positions, sections or links): the scan path, where notes are not kept. */
export function readNoteForIndex(root: string, path: string): NoteSource<IndexMetadata> {
  return readWith(root, path, readForIndex);
}

function readWith<M extends IndexMetadata>(
  root: string,
  path: string,
  reader: (text: string, fm: typeof readFrontmatter) => { cache: M; problems: string[]; codeBlocks: NoteSource['codeBlocks'] },
): NoteSource<M> {
  let text: string;
  try {
    text = readFileSync(join(root, path), 'utf8');
  } catch (e) {
    return { path, cache: null, readProblems: [`cannot read: ${e instanceof Error ? e.message : String(e)}`] };
  }
  try {
    const { cache, problems, codeBlocks } = reader(text, readFrontmatter);
    return { path, cache, text, codeBlocks, readProblems: problems };
  } catch (e) {
    // The reader is meant never to throw; if it does, the note is still listed with a diagnostic.
    return { path, cache: null, text, readProblems: [`cannot parse: ${e instanceof Error ? e.message : String(e)}`] };
  }
}
