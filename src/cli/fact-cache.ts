/**
 * What `--cache` keeps between runs: each note's facts (what analysis found in it), keyed by its
 * vault-relative path and checked against a hash of its text, much as Obsidian keeps its metadata cache.
 * A note whose text is unchanged is not parsed again; any other note is. Facts depend on the note's text
 * and path only (settings and the ATT&CK catalog apply later, in the index), so nothing else can make
 * an entry stale except the code that made it: a cache written by another build is ignored whole.
 *
 * The file is a marker line and one `v8.serialize`d record. Opening never throws: a missing, unreadable or
 * damaged file gives an empty cache (and a note saying why, except when the file simply does not exist
 * yet). A file without the marker is somebody else's and is never written over. Saving replaces the file
 * atomically, so an interrupted run leaves the old cache or the new one.
 */
import { createHash, randomUUID } from 'node:crypto';
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { resolve } from 'node:path';
import { types } from 'node:util';
import { deserialize, serialize } from 'node:v8';
import type { NoteFacts } from '../core/note';
import { writeFileAtomic } from './write-file';

/** Bump when the file's layout changes. */
const FORMAT = 1;
/** First bytes of every cache file: a file without them is not ours to replace. */
const MAGIC = Buffer.from('attack-coverage fact cache\n');

interface CacheFile {
  format: number;
  build: string;
  vault: string;
  entries: Map<string, { hash: string; facts: NoteFacts }>;
}

/** Hash of a note's text as read (UTF-8 decoded), the key an entry is checked against. */
export function textHash(text: string): string {
  return createHash('sha1').update(text).digest('base64');
}

let buildId: string | undefined;
/**
 * Identifies the code that computes facts: the file it runs from (the CLI bundle) and the V8 that
 * serializes them. Any rebuild changes it, so facts from older analysis code are never reused.
 */
function currentBuild(): string {
  if (buildId === undefined) {
    let code = '';
    try {
      code = createHash('sha1').update(readFileSync(__filename)).digest('base64');
    } catch {
      // Without the code to identify, no earlier cache can be trusted: this run's ID matches none.
      code = `unidentified-${randomUUID()}`;
    }
    buildId = `${code}:${process.versions.v8}`;
  }
  return buildId;
}

function isCacheFile(v: unknown): v is CacheFile {
  if (typeof v !== 'object' || v === null) return false;
  const c = v as Partial<CacheFile>;
  return typeof c.format === 'number' && typeof c.build === 'string' && typeof c.vault === 'string' && types.isMap(c.entries);
}

const isStrings = (v: unknown): boolean => Array.isArray(v) && v.every((x) => typeof x === 'string');
const RULE_FIELDS = ['title', 'vendor', 'status', 'level', 'product', 'service', 'category', 'ruleId'] as const;

function isRule(v: unknown): boolean {
  if (v === null) return true;
  if (typeof v !== 'object') return false;
  const r = v as Record<string, unknown>;
  return RULE_FIELDS.every((k) => typeof r[k] === 'string') && isStrings(r.techniques);
}

function isDiagnostic(v: unknown): boolean {
  const d = v as Record<string, unknown> | null;
  return typeof d === 'object' && d !== null && typeof d.path === 'string' && typeof d.message === 'string' && (d.severity === 'error' || d.severity === 'warning' || d.severity === 'info');
}

/**
 * An entry as this build writes it, checked field by field: an entry that is not (a damaged or doctored
 * file) is dropped, and its note read again, rather than handed to the index.
 */
function isEntry(path: string, v: unknown): v is { hash: string; facts: NoteFacts } {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as { hash?: unknown; facts?: unknown };
  if (typeof e.hash !== 'string' || typeof e.facts !== 'object' || e.facts === null) return false;
  const f = e.facts as Record<string, unknown>;
  return (
    f.path === path &&
    typeof f.basename === 'string' &&
    typeof f.folder === 'string' &&
    typeof f.title === 'string' &&
    (f.frontmatter === null || (typeof f.frontmatter === 'object' && !Array.isArray(f.frontmatter))) &&
    isStrings(f.tags) &&
    isStrings(f.dataviewTags) &&
    isStrings(f.aliases) &&
    (f.ownId === null || typeof f.ownId === 'string') &&
    isStrings(f.taggedIds) &&
    isRule(f.rule) &&
    typeof f.ruleLike === 'boolean' &&
    typeof f.atomicTests === 'number' &&
    Array.isArray(f.diagnostics) &&
    f.diagnostics.every(isDiagnostic)
  );
}

export class FactCache {
  private readonly entries: Map<string, { hash: string; facts: NoteFacts }>;
  private readonly seen = new Set<string>();
  private changed = false;
  /** Notes this run took from the cache, and notes it analysed (new, changed or unreadable). */
  hits = 0;
  analysed = 0;

  private constructor(
    readonly file: string,
    private readonly vault: string,
    loaded: CacheFile | null,
    /** Why an existing file was not used, or null. */
    readonly problem: string | null,
    /** False when `file` is somebody else's: then nothing is saved, and the run goes on without a cache. */
    readonly writable = true,
  ) {
    this.entries = loaded?.entries ?? new Map<string, { hash: string; facts: NoteFacts }>();
    this.changed = loaded === null;
  }

  /** The cache for the vault at `root` kept in `file`; empty when the file holds none for this vault and build. */
  static open(file: string, root: string): FactCache {
    const vault = resolve(root);
    let bytes: Buffer;
    try {
      // Any other file (a note, a mistyped path, something huge) is never read whole or overwritten. A
      // Markdown file is a note even when it is empty.
      if (/\.md$/i.test(file) || !startsWithMarker(file)) {
        return new FactCache(file, vault, null, `"${file}" is not a cache file; it is left as it is and no cache is used (choose another file)`, false);
      }
      bytes = readFileSync(file);
    } catch (e) {
      const missing = (e as { code?: unknown }).code === 'ENOENT';
      return new FactCache(file, vault, null, missing ? null : `cannot read cache "${file}": ${e instanceof Error ? e.message : String(e)}`);
    }
    let data: unknown;
    try {
      data = bytes.length ? deserialize(bytes.subarray(MAGIC.length)) : null;
    } catch {
      data = null;
    }
    if (!isCacheFile(data) || data.format !== FORMAT) {
      return new FactCache(file, vault, null, bytes.length ? `cache "${file}" is damaged; starting a new one` : null);
    }
    // Another build or another vault: start again without a word, as after an upgrade.
    if (data.build !== currentBuild() || data.vault !== vault) return new FactCache(file, vault, null, null);
    for (const [path, entry] of data.entries) if (typeof path !== 'string' || !isEntry(path, entry)) data.entries.delete(path);
    return new FactCache(file, vault, data, null);
  }

  /** Whether an entry exists for `path`, whatever its text: such notes are worth reading and hashing first. */
  has(path: string): boolean {
    return this.entries.has(path);
  }

  /** The facts kept for `path` if its text still hashes to `hash`. */
  get(path: string, hash: string): NoteFacts | undefined {
    this.seen.add(path);
    const e = this.entries.get(path);
    if (e && e.hash === hash) {
      this.hits++;
      return e.facts;
    }
    return undefined;
  }

  /** Records the facts just computed for `path`, whose text hashed to `hash`. */
  put(path: string, hash: string, facts: NoteFacts): void {
    this.seen.add(path);
    this.analysed++;
    this.entries.set(path, { hash, facts });
    this.changed = true;
  }

  /** Notes read this run but not kept (unreadable ones): their entries go, so they are read again next time. */
  forget(path: string): void {
    this.seen.add(path);
    this.analysed++;
    if (this.entries.delete(path)) this.changed = true;
  }

  /**
   * Writes the cache if anything changed, dropping the entries of notes this run did not see (deleted
   * or renamed). Returns why it could not be written, or null.
   */
  save(): string | null {
    for (const path of this.entries.keys()) {
      if (!this.seen.has(path)) {
        this.entries.delete(path);
        this.changed = true;
      }
    }
    if (!this.changed || !this.writable) return null;
    const data: CacheFile = { format: FORMAT, build: currentBuild(), vault: this.vault, entries: this.entries };
    const error = writeAtomic(this.file, Buffer.concat([MAGIC, serialize(data)]));
    if (error === null) this.changed = false;
    return error;
  }
}

/** Whether `file` starts with the cache marker, or is empty (a new cache). Throws when it cannot be read. */
function startsWithMarker(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(MAGIC.length);
    const n = readSync(fd, head, 0, head.length, 0);
    return n === 0 || (n === head.length && head.equals(MAGIC));
  } finally {
    closeSync(fd);
  }
}

/** Readers see the old file or the new one, never a part. */
function writeAtomic(file: string, data: Buffer): string | null {
  try {
    writeFileAtomic(file, data);
    return null;
  } catch (e) {
    return `cannot write cache "${file}": ${e instanceof Error ? e.message : String(e)}`;
  }
}
