/**
 * Indented code inside list items: four columns past the item's content, after a blank line, is code in
 * CommonMark (markdown-it is the oracle), so '#word' there is no tag.
 */
import MarkdownIt from 'markdown-it';
import { readMarkdown } from '../../src/core/markdown';
import { readFrontmatter } from '../../src/cli/frontmatter';

const md = new MarkdownIt();
const tagsOf = (text: string) => (readMarkdown(text, readFrontmatter).cache.tags ?? []).map((t) => t.tag);
/** The '#word's markdown-it renders outside code. */
const oracle = (text: string) => (md.render(text).replace(/<code>[^<]*<\/code>/g, '').match(/#[a-z]+/g) ?? []).map(String);

test.each([
  '- a\n\n      #include\n      #define\n\n#real\n',
  '1. step\n\n       #Requires\n\n   #real\n',
  '- a\n  - b\n\n        #code\n\n      #real\n',
  '- a\n\t- b\n\n\t\t\t#code\n- #real\n',
  '- a\n      #real lazy text, not code\n',
  '- a\n\n    #real paragraph in the item\n',
  '- a\n  - b\n\n      #real paragraph of b\n',
])('%j', (text) => {
  expect(tagsOf(text)).toEqual(oracle(text));
});
