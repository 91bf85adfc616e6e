/**
 * File names for generated notes that work on Windows, macOS, Linux and inside Obsidian links.
 */

/** Longest name kept, in code points, before the extension; IDs come first so they survive the cut. */
export const MAX_NAME_LENGTH = 120;
/**
 * Longest name kept in UTF-8 bytes: file systems allow 255 bytes per name (ext4, APFS), and 120 code
 * points of CJK text or emoji are up to 480. The rest leaves room for `.md` and a temporary file's decoration.
 */
export const MAX_NAME_BYTES = 200;

const utf8Length = (c: string): number => {
  const cp = c.codePointAt(0) ?? 0;
  return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
};
const utf8Bytes = (s: string): number => Array.from(s).reduce((n, c) => n + utf8Length(c), 0);

// Windows forbids \ / : * ? " < > | and control characters; Obsidian links also break on # ^ [ ].
// ':' becomes '-' as in the Use-Case-Catalogue ("Interpreter: Python" → "Interpreter- Python").
const FORBIDDEN = /[\\/*?"<>|#^[\]]/g;
// Control characters, plus BOM and bidi overrides that make a name display differently from what it is.
const CONTROL = /[\p{Cc}\u202a-\u202e\u2066-\u2069\ufeff]/gu;
// Windows device names, also with any extension ("CON.md" is still the console).
const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i;

/** Leading dots hide a file (Obsidian skips dot-files); trailing dots and spaces vanish on Windows. */
const trimEnds = (s: string): string => s.replace(/^[\s.]+|[\s.]+$/g, '');

/**
 * `s` with each lone surrogate (a half of a UTF-16 pair, as a YAML or JSON `\\ud800` escape gives) replaced:
 * it cannot be written as UTF-8 (it would be read back as U+FFFD), and `encodeURIComponent` throws on it.
 */
export function wellFormed(s: string, replacement = '\uFFFD'): string {
  if (!/[\ud800-\udfff]/.test(s)) return s;
  return Array.from(s, (c) => (c.length === 1 && c >= '\ud800' && c <= '\udfff' ? replacement : c)).join('');
}

/**
 * A portable file name (without extension) for `s`: forbidden characters replaced, whitespace collapsed,
 * device names escaped, at most `max` code points and `maxBytes` UTF-8 bytes. Idempotent, never empty,
 * never a path.
 */
export function safeFileName(s: string, max = MAX_NAME_LENGTH, maxBytes = MAX_NAME_BYTES): string {
  // Lone surrogates cannot be encoded as UTF-8 (APFS rejects them).
  let name = wellFormed(s, '_')
    .normalize('NFC') // macOS may hand back decomposed names; store the composed form
    .replace(CONTROL, ' ')
    .replace(/:/g, '-')
    .replace(FORBIDDEN, '_')
    .replace(/\s+/g, ' ');
  name = trimEnds(name);
  const dot = name.indexOf('.');
  const stem = dot < 0 ? name : name.slice(0, dot);
  if (RESERVED.test(stem.trimEnd())) name = `${stem.trimEnd()}_${name.slice(stem.trimEnd().length)}`;
  const points = Array.from(name);
  let keep = 0;
  for (let bytes = 0; keep < points.length && keep < max; keep++) {
    bytes += utf8Length(points[keep] as string);
    if (bytes > maxBytes) break;
  }
  if (keep < points.length) name = trimEnds(points.slice(0, keep).join(''));
  return name || 'untitled';
}

/**
 * Claim a unique `folder/name.ext` among `taken` (compared case-insensitively, as on Windows and
 * macOS): `name`, then `name 2`, `name 3`… The claimed path is added to `taken`.
 */
export function uniquePath(folder: string, name: string, taken: Set<string>, ext = '.md'): string {
  const prefix = folder ? `${folder.replace(/\/+$/, '')}/` : '';
  for (let n = 1; ; n++) {
    const candidate = `${prefix}${n === 1 ? name : `${name} ${n}`}${ext}`;
    if (!taken.has(candidate.toLowerCase())) {
      taken.add(candidate.toLowerCase());
      return candidate;
    }
  }
}

/** Note name in the Use-Case-Catalogue style: `T1059.006 - Command and Scripting Interpreter- Python`. */
export function techniqueFileName(id: string, displayName: string): string {
  return safeFileName(`${id} - ${displayName}`);
}

/**
 * `name` with `suffix` appended, cut so that the whole stays within `max` code points and `maxBytes`
 * bytes: the suffix is what tells two clashing notes apart, so it is never the part that gets cut.
 */
export function withSuffix(name: string, suffix: string, max = MAX_NAME_LENGTH, maxBytes = MAX_NAME_BYTES): string {
  const room = Math.max(1, max - Array.from(suffix).length);
  const roomBytes = Math.max(4, maxBytes - utf8Bytes(suffix));
  return safeFileName(`${safeFileName(name, room, roomBytes)}${suffix}`, max, maxBytes);
}

/**
 * Why `rel` is not a safe vault-relative path below a chosen folder, or null when it is: no absolute
 * paths, drive letters, backslashes, `.`/`..` or empty segments, control characters or device names.
 * Every path the importers produce passes through this before anything is written.
 */
export function unsafePathReason(rel: string): string | null {
  if (!rel) return 'empty path';
  if (/\p{Cc}/u.test(rel)) return 'control character in path';
  if (rel.includes('\\')) return 'backslash in path';
  if (rel.startsWith('/')) return 'absolute path';
  if (/^[a-z]:/i.test(rel)) return 'drive letter in path';
  for (const seg of rel.split('/')) {
    if (seg === '') return 'empty path segment';
    if (seg === '.' || seg === '..') return `"${seg}" segment in path`;
    if (/[\s.]$/.test(seg)) return 'path segment ends with a dot or space';
    if (RESERVED.test(seg.split('.')[0]?.trimEnd() ?? '')) return 'device name in path';
    if (/[:*?"<>|]/.test(seg)) return 'character not allowed in file names';
  }
  return null;
}

/** `folder/rel`, both vault-relative ('' is the vault root); throws when the result would leave `folder`. */
export function joinInside(folder: string, rel: string): string {
  const reason = unsafePathReason(rel);
  if (reason) throw new Error(`refusing to write "${rel}": ${reason}`);
  const base = folder.replace(/^\/+|\/+$/g, '');
  if (base) {
    const baseReason = unsafePathReason(base);
    if (baseReason) throw new Error(`refusing to write into "${folder}": ${baseReason}`);
  }
  return base ? `${base}/${rel}` : rel;
}
