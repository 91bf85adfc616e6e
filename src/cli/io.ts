/** Output helpers shared by the CLI's commands. */
import { InvalidArgumentError, Option } from 'commander';
import { FactCache } from './fact-cache';
import { loadVault, VaultError, type LoadedVault } from './vault';

/** Control characters other than tab, and Unicode's line and paragraph separators. */
const isControl = (c: number): boolean => (c <= 0x1f && c !== 0x09) || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029;

/**
 * `s` with its control characters shown as escapes (`\n`, `\r`, `\u001b`). Text output puts note
 * content (file names, titles, messages) into lines: a line break in a file name must not start a line
 * of its own (CI runners act on lines such as `::error::`), nor an escape sequence drive the terminal.
 */
export function visible(s: string): string {
  let shown = '';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!isControl(c)) continue;
    shown += s.slice(from, i) + (c === 0x0a ? '\\n' : c === 0x0d ? '\\r' : `\\u${c.toString(16).padStart(4, '0')}`);
    from = i + 1;
  }
  return from === 0 ? s : shown + s.slice(from);
}

/** One line of text output, made visible (see `visible`). */
export const out = (s: string): void => {
  process.stdout.write(`${visible(s)}\n`);
};

/**
 * Several lines the CLI made itself (JSON, Markdown). Their own escaping keeps note content from adding
 * lines or markup, but not from holding control characters (JSON leaves DEL, C1 controls and U+2028 as
 * they are; Markdown escaping keeps ESC): each line is made visible too. In JSON the `\u…` escapes that
 * gives are JSON's own, so the values parse back unchanged.
 */
export const outLines = (s: string): void => {
  const shown = s.split('\n').map(visible).join('\n');
  process.stdout.write(shown.endsWith('\n') ? shown : shown + '\n');
};
export const json = (v: unknown): void => outLines(JSON.stringify(v, null, 2));

/** `-o <file>`: an empty name would quietly mean stdout (or a write that cannot happen), so it is refused. */
export function outputFile(raw: string): string {
  if (raw.trim() === '') throw new InvalidArgumentError('a file name is needed');
  return raw;
}

/** The value of a `--limit <n>` option (rows per list), refused unless it is a positive whole number. */
export function parseLimit(raw: string): number {
  const limit = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(limit) || limit < 1) throw new VaultError('--limit should be a positive whole number');
  return limit;
}

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
 * `--rollup` and `--no-rollup` (add both): either one overrides the plugin's saved roll-up setting; with
 * neither, the saved setting (on by default) holds. Defined together, they leave `rollup` undefined when not given.
 */
export function rollupOption(on: boolean): Option {
  return on
    ? new Option('--rollup', "roll sub-technique rules up into parents, whatever the plugin's saved setting says")
    : new Option('--no-rollup', 'do not roll sub-technique rules up into parents');
}

/**
 * Reads the vault with progress on stderr; `rollUp` comes from `--rollup` / `--no-rollup`. With `cache`
 * (`--cache`: true for the default file), unchanged notes are not parsed again and the cache is saved after.
 */
export function load(vault: string, opts: { rollUp?: boolean; keepSources?: boolean; cache?: string | boolean | undefined } = {}): LoadedVault {
  const keepSources = opts.keepSources ?? true;
  const file = opts.cache === true ? DEFAULT_CACHE_FILE : opts.cache || undefined;
  const opened = file !== undefined && !keepSources ? FactCache.open(file, vault) : undefined;
  if (opened?.problem) process.stderr.write(`attack-coverage: ${opened.problem}\n`);
  // A file that is not a cache is left alone and the run reads every note, as it says it does.
  const cache = opened?.writable ? opened : undefined;
  const onUnreadable = (rel: string, reason: string): void => {
    process.stderr.write(`attack-coverage: ${visible(`cannot read folder "${rel}" (${reason}); the notes in it are left out`)}\n`);
  };
  const loaded = loadVault(vault, { progress, onUnreadable, keepSources, settings: opts.rollUp === undefined ? {} : { rollUp: opts.rollUp }, ...(cache ? { cache } : {}) });
  if (cache) {
    process.stderr.write(`cache: ${cache.hits} of ${cache.hits + cache.analysed} notes unchanged\n`);
    const error = cache.save();
    if (error) process.stderr.write(`attack-coverage: ${error}\n`);
  }
  return loaded;
}
