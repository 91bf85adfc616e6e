/**
 * Escapes untrusted text (note titles, paths, rule fields, layer names) for Markdown that the product
 * writes: every ASCII punctuation character is backslash-escaped (CommonMark allows it for all of them)
 * and line breaks become spaces, so the text cannot open a link, an image, HTML, markup, an autolink or
 * a table cell. Renders as exactly the original text.
 */
export function escapeMarkdown(s: string): string {
  return s.replace(/[\r\n]+/g, ' ').replace(/[!-/:-@[-`{-~]/g, (c) => `\\${c}`);
}
