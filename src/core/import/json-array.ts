/**
 * Reads the elements of one array in a large JSON document (a STIX bundle's `objects`) one at a time,
 * so that a caller can give the UI a turn between elements: `JSON.parse` of a 33 MB bundle blocks for
 * a quarter of a second. Each element is still parsed (and so validated) by `JSON.parse`; this code only
 * finds where elements begin and end, skipping strings correctly.
 */

export class JsonShapeError extends Error {}

const WS = /[ \t\n\r]*/y;

function skipWs(text: string, pos: number): number {
  WS.lastIndex = pos;
  WS.exec(text);
  return WS.lastIndex;
}

/** `pos` is at a `"`: the index just after the closing quote. */
function skipString(text: string, pos: number): number {
  let from = pos + 1;
  for (;;) {
    const q = text.indexOf('"', from);
    if (q < 0) throw new JsonShapeError(`unterminated string at ${pos}`);
    let slashes = 0;
    for (let i = q - 1; text.charCodeAt(i) === 92 /* \ */; i--) slashes++;
    if (slashes % 2 === 0) return q + 1;
    from = q + 1;
  }
}

const STRUCTURE = /["{}[\]]/g;

/** `pos` is at `{` or `[`: the index just after the matching bracket. */
function skipContainer(text: string, pos: number): number {
  let depth = 0;
  STRUCTURE.lastIndex = pos;
  for (let m = STRUCTURE.exec(text); m; m = STRUCTURE.exec(text)) {
    const c = m[0];
    if (c === '"') STRUCTURE.lastIndex = skipString(text, m.index);
    else if (c === '{' || c === '[') depth++;
    else if (--depth === 0) return m.index + 1;
  }
  throw new JsonShapeError(`unterminated ${text[pos]} at ${pos}`);
}

/** Any JSON value starting at `pos` (after whitespace): the index just after it. */
function skipValue(text: string, pos: number): number {
  const c = text[pos];
  if (c === '"') return skipString(text, pos);
  if (c === '{' || c === '[') return skipContainer(text, pos);
  const m = /[^,}\]\s]+/y;
  m.lastIndex = pos;
  if (!m.exec(text)) throw new JsonShapeError(`unexpected ${c === undefined ? 'end of text' : JSON.stringify(c)} at ${pos}`);
  return m.lastIndex;
}

/**
 * The source text of each element of the array stored under the top-level key `key`, in order.
 * Throws JsonShapeError when the document is not an object or has no such array.
 */
export function* jsonArrayElements(text: string, key: string): Generator<string> {
  let pos = skipWs(text, text.charCodeAt(0) === 0xfeff ? 1 : 0);
  if (text[pos] !== '{') throw new JsonShapeError('not a JSON object');
  pos = skipWs(text, pos + 1);
  while (text[pos] !== '}') {
    if (text[pos] !== '"') throw new JsonShapeError(`expected a key at ${pos}`);
    const keyEnd = skipString(text, pos);
    const name = JSON.parse(text.slice(pos, keyEnd)) as string;
    pos = skipWs(text, keyEnd);
    if (text[pos] !== ':') throw new JsonShapeError(`expected ":" at ${pos}`);
    pos = skipWs(text, pos + 1);
    if (name === key && text[pos] === '[') {
      pos = skipWs(text, pos + 1);
      if (text[pos] === ']') return;
      for (;;) {
        const end = skipValue(text, pos);
        yield text.slice(pos, end);
        pos = skipWs(text, end);
        if (text[pos] === ']') return;
        if (text[pos] !== ',') throw new JsonShapeError(`expected "," or "]" at ${pos}`);
        pos = skipWs(text, pos + 1);
      }
    }
    pos = skipWs(text, skipValue(text, pos));
    if (text[pos] === ',') pos = skipWs(text, pos + 1);
    else if (text[pos] !== '}') throw new JsonShapeError(`expected "," or "}" at ${pos}`);
  }
  throw new JsonShapeError(`no "${key}" array`);
}
