/**
 * Reads a vault folder from disk into the same note sources the plugin gets from Obsidian's cache.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { defaultCatalog } from '../core/attack/catalog';
import { CoverageIndex } from '../core/coverage-index';
import type { NoteSource } from '../core/metadata';
import { withDefaults, type EngineSettings } from '../core/settings';
import { textHash, type FactCache } from './fact-cache';
import { analyzeBatch, analyzeSources, readInParallel, threadsFor, type AnalyzedBatch } from './parallel-read';
import { parseBatchForIndex, READ_BATCH, readNote, readText } from './read-note';

import { parseYamlCore } from './yaml';
import { walkFiles } from './walk';

export class VaultError extends Error {}

/** The vault's notes, sorted; sub-folders that cannot be read are passed to `onUnreadable`. */
export function listNotes(root: string, onUnreadable?: (rel: string, reason: string) => void): string[] {
  let st;
  try {
    st = statSync(root);
  } catch {
    throw new VaultError(`cannot read vault folder "${root}"`);
  }
  if (!st.isDirectory()) throw new VaultError(`"${root}" is not a folder`);
  const out: string[] = [];
  walkFiles(
    root,
    (rel, name) => {
      if (name.toLowerCase().endsWith('.md')) out.push(rel);
    },
    { rootError: (reason) => new VaultError(`cannot read vault folder "${root}": ${reason}`), followFolderLinks: true, onUnreadable },
  );
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

export interface LoadOptions {
  settings?: Partial<EngineSettings>;
  progress?: (done: number, total: number) => void;
  /** A sub-folder that cannot be read: its notes are left out. */
  onUnreadable?: (rel: string, reason: string) => void;
  keepSources?: boolean;
  /** Facts from earlier runs, used and updated when notes are not kept (the caller saves it). */
  cache?: FactCache;
}

/**
 * Reads and indexes a vault in one streaming pass: each note is analysed as soon as it is read, and its
 * text is dropped unless the caller needs it (`blocks`, `migrate`), so memory stays flat on large vaults.
 */
export function loadVault(root: string, opts: LoadOptions = {}): LoadedVault {
  const paths = listNotes(root, opts.onUnreadable);
  const index = new CoverageIndex({ settings: vaultSettings(root, opts.settings), catalog: defaultCatalog(), env: { parseYaml: parseYamlCore } });
  const sources = new Map<string, NoteSource>();
  const step = Math.max(500, Math.floor(paths.length / 20));
  let done = 0;
  const tick = (n: number): void => {
    const before = done;
    done += n;
    if (opts.progress && Math.floor(done / step) > Math.floor(before / step)) opts.progress(done, paths.length);
  };

  if (opts.keepSources ?? true) {
    index.upsertAll(
      (function* read(): Generator<NoteSource> {
        for (const path of paths) {
          const full = readNote(root, path);
          sources.set(path, full);
          tick(1);
          yield full;
        }
      })(),
    );
    return { index, sources };
  }

  const cache = opts.cache;
  const hashing = cache !== undefined;
  const record = (batch: AnalyzedBatch): void => {
    batch.facts.forEach((facts, i) => {
      index.upsertFacts(facts, false);
      if (!cache) return;
      const hash = batch.hashes?.[i];
      if (hash === undefined) cache.forget(facts.path); // unreadable: try again next time
      else cache.put(facts.path, hash, facts);
    });
    tick(batch.facts.length);
  };
  // Notes the cache knows are read and hashed first: those whose text is unchanged keep their facts.
  const known = cache ? paths.filter((p) => cache.has(p)) : [];
  const todo = cache ? paths.filter((p) => !cache.has(p)) : paths;
  for (let from = 0; cache && from < known.length; from += READ_BATCH) {
    const batch = known.slice(from, from + READ_BATCH).map((path) => ({ path, read: readText(root, path) }));
    const changed = batch.filter(({ path, read }) => {
      // An unreadable note is analysed again, so that its diagnostic says why.
      const facts = 'problem' in read ? undefined : cache.get(path, textHash(read.text));
      if (facts) index.upsertFacts(facts, false);
      return !facts;
    });
    tick(batch.length - changed.length);
    // The texts just hashed are parsed as they are, not read again.
    if (changed.length) record(analyzeSources(parseBatchForIndex(changed), hashing));
  }
  // The rest are read, several threads at a time on large vaults.
  const threads = threadsFor(todo.length);
  let parallel = false;
  if (threads > 1) {
    try {
      readInParallel(root, todo, threads, record, { hash: hashing });
      parallel = true;
    } catch (e) {
      // A failed thread: say so and read its share again on this one (upserting a note twice is harmless).
      process.stderr.write(`attack-coverage: reader threads failed (${e instanceof Error ? e.message : String(e)}); reading on one thread\n`);
    }
  }
  if (!parallel) for (let from = 0; from < todo.length; from += READ_BATCH) record(analyzeBatch(root, todo.slice(from, from + READ_BATCH), hashing));
  index.upsertAll([]); // one change event for the whole load
  return { index, sources };
}
