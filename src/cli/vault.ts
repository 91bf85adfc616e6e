/**
 * Reads a vault folder from disk into the same note sources the plugin gets from Obsidian's cache.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { defaultCatalog } from '../core/attack/catalog';
import { CoverageIndex } from '../core/coverage-index';
import type { IndexMetadata, NoteSource } from '../core/metadata';
import { withDefaults, type EngineSettings } from '../core/settings';
import { readInParallel, threadsFor } from './parallel-read';
import { READ_BATCH, readBatchForIndex, readNote } from './read-note';

import { parseYamlCore } from './yaml';
import { walkFiles } from './walk';

export class VaultError extends Error {}

export function listNotes(root: string): string[] {
  let st;
  try {
    st = statSync(root);
  } catch {
    throw new VaultError(`cannot read vault folder "${root}"`);
  }
  if (!st.isDirectory()) throw new VaultError(`"${root}" is not a folder`);
  const out: string[] = [];
  walkFiles(root, (rel, name) => {
    if (name.toLowerCase().endsWith('.md')) out.push(rel);
  });
  return out.sort();
}

/** The plugin's saved settings, so the CLI classifies notes as the plugin does in the same vault. */
export function vaultSettings(root: string, override?: Partial<EngineSettings>): EngineSettings {
  let saved: Partial<EngineSettings> = {};
  try {
    const raw: unknown = JSON.parse(readFileSync(join(root, '.obsidian/plugins/attack-coverage/data.json'), 'utf8'));
    if (raw && typeof raw === 'object') saved = raw;
  } catch {
    // no saved settings: defaults
  }
  return withDefaults({ ...saved, ...override });
}

export interface LoadedVault {
  index: CoverageIndex;
  /** Every note as read, text included; empty when loaded with `keepSources: false`. */
  sources: Map<string, NoteSource>;
}

/**
 * Reads and indexes a vault in one streaming pass: each note is analysed as soon as it is read, and its
 * text is dropped unless the caller needs it (`blocks`, `migrate`), so memory stays flat on large vaults.
 */
export function loadVault(
  root: string,
  opts: { settings?: Partial<EngineSettings>; progress?: (done: number, total: number) => void; keepSources?: boolean } = {},
): LoadedVault {
  const paths = listNotes(root);
  const index = new CoverageIndex({ settings: vaultSettings(root, opts.settings), catalog: defaultCatalog(), env: { parseYaml: parseYamlCore } });
  const sources = new Map<string, NoteSource>();
  const keep = opts.keepSources ?? true;
  const step = Math.max(500, Math.floor(paths.length / 20));
  function* read(): Generator<NoteSource<IndexMetadata>> {
    let i = 0;
    // Notes that are not kept are read a batch at a time (see readBatchForIndex).
    for (let from = 0; from < paths.length; from += READ_BATCH) {
      const batch = paths.slice(from, from + READ_BATCH);
      const read: Array<NoteSource<IndexMetadata>> = keep
        ? batch.map((path) => {
            const full = readNote(root, path);
            sources.set(path, full);
            return full;
          })
        : readBatchForIndex(root, batch);
      for (const src of read) {
        i++;
        if (opts.progress && i % step === 0) opts.progress(i, paths.length);
        yield src;
      }
    }
  }
  const threads = keep ? 1 : threadsFor(paths.length);
  if (threads > 1) {
    try {
      let done = 0;
      readInParallel(root, paths, threads, (facts) => {
        for (const f of facts) index.upsertFacts(f, false);
        const before = done;
        done += facts.length;
        if (opts.progress && Math.floor(done / step) > Math.floor(before / step)) opts.progress(done, paths.length);
      });
      index.upsertAll([]); // one change event for the whole load
      return { index, sources };
    } catch (e) {
      // A failed thread: say so and read again on this one.
      process.stderr.write(`attack-coverage: reader threads failed (${e instanceof Error ? e.message : String(e)}); reading on one thread\n`);
      index.clear();
    }
  }
  index.upsertAll(read());
  return { index, sources };
}
