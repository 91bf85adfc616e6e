/**
 * How a generated note meets the note already in the vault.
 *
 * An imported note is `generated text` + a blank line + one marker line + whatever the user wrote below:
 *
 *     …generated frontmatter and body…
 *
 *     <!-- attack-coverage-import sigma sigma%3A4a3a… 0123456789abcdef · … -->
 *     user notes (kept on every re-import)
 *
 * The marker names the source item and holds the hash of the generated text as written. On re-import:
 * the generated text still hashes to the marker → the user has not touched it → it may be replaced;
 * it does not → the user edited it → it is never overwritten, and reported when the source changed.
 * Whatever follows the marker belongs to the user and is carried over unchanged.
 */
import { contentHash } from './hash';
import { wellFormed } from './names';

export type SourceKind = 'attack' | 'sigma' | 'atomic' | 'elastic' | 'splunk';
export type NoteKind = 'technique' | 'rule' | 'test';

const MARKER_START = '<!-- attack-coverage-import ';
const MARKER = /^<!-- attack-coverage-import ([a-z]+) (\S*) ([0-9a-f]{16})\b.*-->[ \t]*\r?$/;
const MARKER_TEXT = 'Text above this line comes from the importer and is updated on re-import unless you edit it; notes you add below it are kept.';

export function markerLine(kind: SourceKind, sourceId: string, hash: string): string {
  return `${MARKER_START}${kind} ${encodeURIComponent(sourceId)} ${hash} · ${MARKER_TEXT} -->`;
}

// Generated text can hold any line a source gives it (a description, an embedded rule). A line there that
// starts like a marker is written one space in: else a source could plant a marker carrying the hash of the
// text above it, and a note the user took over (real marker deleted) or edited would still read as an
// untouched imported note and be rewritten. Before an HTML comment in Markdown one space changes nothing.
const MARKER_LIKE = /^<!-- attack-coverage-import /gm;

/**
 * `generated` as it goes into a note: ends with a line break, holds no line the reader could take for a
 * marker, and is well-formed (else the note, written as UTF-8, would read back other than it was hashed).
 */
function generatedBody(generated: string): string {
  const body = wellFormed(generated).replace(MARKER_LIKE, ` ${MARKER_START}`);
  return body.endsWith('\n') ? body : `${body}\n`;
}

/** How a note on disk is written; an update keeps it. */
export interface NoteStyle {
  /** The line break its first line ends with: a note saved on Windows (or checked out with git `autocrlf`) keeps CRLF. */
  eol: '\n' | '\r\n';
  /** It starts with a byte order mark (some Windows editors write one): not an edit, and kept. */
  bom: boolean;
}

const BOM = '\uFEFF';
const AS_GENERATED: NoteStyle = { eol: '\n', bom: false };

export function styleOf(text: string): NoteStyle {
  const at = text.indexOf('\n');
  return { eol: at > 0 && text[at - 1] === '\r' ? '\r\n' : '\n', bom: text.startsWith(BOM) };
}

/** The hash of a note's generated part as it stands; a byte order mark before it is not part of it. */
const generatedHash = (generated: string): string => contentHash(generated.startsWith(BOM) ? generated.slice(BOM.length) : generated);

/**
 * The note as first written: generated text, marker, nothing of the user's yet (or `tail`, kept byte for
 * byte). `style` is how the generated part and the marker are written; the hash is the same either way.
 */
export function composeNote(kind: SourceKind, sourceId: string, generated: string, tail = '', style: NoteStyle = AS_GENERATED): string {
  const body = generatedBody(generated);
  const head = `${body}\n${markerLine(kind, sourceId, contentHash(body))}\n`;
  return (style.bom ? BOM : '') + (style.eol === '\n' ? head : head.replace(/\r?\n/g, style.eol)) + tail;
}

export interface GeneratedNote {
  kind: string;
  sourceId: string;
  /** Hash recorded when the note was written. */
  hash: string;
  /** The generated part as it is now (possibly edited), with the byte order mark the note may start with. */
  generated: string;
  /** Everything after the marker line: the user's. */
  tail: string;
  /** The generated part no longer hashes to the recorded hash. */
  edited: boolean;
}

/**
 * Reads an imported note back; null when the note carries no marker (not made by the importer, or the
 * marker was deleted). Generated text could itself contain a line that looks like a marker (a rule quoting
 * one), so every candidate is tried and the one whose hash matches wins.
 */
export function parseGeneratedNote(text: string): GeneratedNote | null {
  let first: GeneratedNote | null = null;
  for (let at = text.indexOf(`\n${MARKER_START}`); at >= 0; at = text.indexOf(`\n${MARKER_START}`, at + 1)) {
    const lineEnd = text.indexOf('\n', at + 1);
    const line = text.slice(at + 1, lineEnd < 0 ? text.length : lineEnd);
    const m = MARKER.exec(line);
    if (!m) continue;
    let sourceId: string;
    try {
      sourceId = decodeURIComponent(m[2] as string);
    } catch {
      continue;
    }
    // `generated\n` + `\n` + marker: the blank line before the marker is not part of the generated text.
    let generated = text.slice(0, at);
    if (generated.endsWith('\r')) generated = generated.slice(0, -1);
    const note: GeneratedNote = {
      kind: m[1] as string,
      sourceId,
      hash: m[3] as string,
      generated,
      tail: lineEnd < 0 ? '' : text.slice(lineEnd + 1),
      edited: generatedHash(generated) !== m[3],
    };
    if (!note.edited) return note;
    first ??= note;
  }
  return first;
}

/** Cheap test used when scanning a folder: could this text be an imported note? */
export function mayBeGenerated(text: string): boolean {
  return text.includes(MARKER_START);
}

export type MergeAction = 'create' | 'update' | 'unchanged' | 'conflict';

export interface MergeResult {
  action: MergeAction;
  /** The text to write for `create` and `update`. */
  text?: string;
  /** Why: for conflicts, and for notes left unchanged because the user edited them. */
  reason?: string;
  /** The generated part was edited by the user. */
  userEdited?: boolean;
}

/**
 * Decide what to do with one planned note given the note at its path (`existing`, null when there is
 * none). Pure: the caller writes `text` for `create` / `update`.
 */
export function mergeNote(kind: SourceKind, sourceId: string, generated: string, existing: string | null): MergeResult {
  const body = generatedBody(generated);
  if (existing === null) return { action: 'create', text: composeNote(kind, sourceId, body) };
  const old = parseGeneratedNote(existing);
  if (!old) return { action: 'conflict', reason: 'a note the importer did not make (or whose import marker was removed) is at this path; not overwritten' };
  if (old.sourceId !== sourceId) return { action: 'conflict', reason: `this note was imported from ${old.sourceId}, not ${sourceId}; not overwritten` };
  const next = contentHash(body);
  if (old.edited) {
    // The edit made the note read as the new text already (Obsidian updating links to a note the user
    // renamed does so): nothing of the user's to keep, only the marker is behind.
    if (generatedHash(old.generated) === next) return { action: 'update', text: composeNote(kind, sourceId, body, old.tail, styleOf(existing)) };
    if (old.hash === next) return { action: 'unchanged', userEdited: true, reason: 'edited by you; the source has not changed since' };
    return { action: 'conflict', userEdited: true, reason: 'edited by you since it was imported, and the source changed; not overwritten' };
  }
  if (old.hash === next) return { action: 'unchanged' };
  return { action: 'update', text: composeNote(kind, sourceId, body, old.tail, styleOf(existing)) };
}
