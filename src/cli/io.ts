/** Output helpers shared by the CLI's commands. */
import { Option } from 'commander';
import { FactCache } from './fact-cache';
import { loadVault, type LoadedVault } from './vault';

export const out = (s: string): void => {
  process.stdout.write(s.endsWith('\n') ? s : s + '\n');
};
export const json = (v: unknown): void => out(JSON.stringify(v, null, 2));

/** A command's exit status when it is not 0 (failures that are not bad arguments, e.g. writes that failed). */
let exitStatus = 0;
export function setExitStatus(code: number): void {
  exitStatus = code;
}
export function takeExitStatus(): number {
  const code = exitStatus;
  exitStatus = 0;
  return code;
}

function progress(done: number, total: number): void {
  process.stderr.write(`reading notes: ${done}/${total}\n`);
}

/** Where `--cache` without a file keeps the facts: the current folder, as linters keep theirs. */
export const DEFAULT_CACHE_FILE = '.attack-coverage-cache';

/** The `--cache [file]` option of the commands that read notes without keeping them. */
export function cacheOption(): Option {
  return new Option('--cache [file]', `reuse what was read from notes unchanged since the last run with this cache (default file: ${DEFAULT_CACHE_FILE})`);
}

/**
 * Reads the vault with progress on stderr; `rollUp: false` comes from `--no-rollup`. With `cache`
 * (`--cache`: true for the default file), unchanged notes are not parsed again and the cache is saved after.
 */
export function load(vault: string, opts: { rollUp?: boolean; keepSources?: boolean; cache?: string | boolean } = {}): LoadedVault {
  const keepSources = opts.keepSources ?? true;
  const file = opts.cache === true ? DEFAULT_CACHE_FILE : opts.cache || undefined;
  const cache = file !== undefined && !keepSources ? FactCache.open(file, vault) : undefined;
  if (cache?.problem) process.stderr.write(`attack-coverage: ${cache.problem}\n`);
  const loaded = loadVault(vault, { progress, keepSources, settings: opts.rollUp === false ? { rollUp: false } : {}, ...(cache ? { cache } : {}) });
  if (cache) {
    process.stderr.write(`cache: ${cache.hits} of ${cache.hits + cache.analysed} notes unchanged\n`);
    const error = cache.save();
    if (error) process.stderr.write(`attack-coverage: ${error}\n`);
  }
  return loaded;
}
