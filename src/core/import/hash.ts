/**
 * A fast, dependency-free 64-bit string hash (two independent 32-bit lanes, MurmurHash3-style mixing)
 * for telling whether a generated note was edited. Not cryptographic: it guards against accidents,
 * not adversaries. Works the same in Node, Obsidian desktop and mobile (no `crypto`, synchronous).
 */

// Looked up once: a global lookup per character is slow where globals are proxied (jest's vm contexts).
const imul = Math.imul;

/** 16 lower-case hex digits over the UTF-16 code units of `s`. */
export function hash64(s: string): string {
  let h1 = 0xdeadbeef ^ s.length;
  let h2 = 0x41c6ce57 ^ s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = imul(h1 ^ c, 2654435761);
    h2 = imul(h2 ^ c, 1597334677);
  }
  h1 = imul(h1 ^ (h1 >>> 16), 2246822507) ^ imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = imul(h2 ^ (h2 >>> 16), 2246822507) ^ imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h2 >>> 0).toString(16).padStart(8, '0') + (h1 >>> 0).toString(16).padStart(8, '0');
}

/** Line endings do not count as an edit (git `autocrlf`, Windows editors): hash the LF form. */
export function contentHash(text: string): string {
  return hash64(text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text);
}
